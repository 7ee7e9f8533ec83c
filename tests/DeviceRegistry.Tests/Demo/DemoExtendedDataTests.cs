using System.Globalization;
using DeviceRegistry.Demo;

namespace DeviceRegistry.Tests.Demo;

public sealed class DemoExtendedDataTests
{
    [Fact]
    public void The_extended_mix_has_every_behaviour_and_copies_start_at_least_the_configured_days_before_the_end()
    {
        var settings = DemoSettings.Extended with { CopyMinDays = 20 };
        var data = DemoDataGenerator.Generate(5, 2000, 90, null, settings);

        foreach (var pattern in new[] { DemoPatterns.SingleSim, DemoPatterns.NumberChange, DemoPatterns.SimReplacement, DemoPatterns.Resale,
                     DemoPatterns.FamilySwap, DemoPatterns.DualSim, DemoPatterns.Roamer, DemoPatterns.Traveller, DemoPatterns.ShopDevice,
                     DemoPatterns.TestPhone, DemoPatterns.Clone })
        {
            Assert.Contains(data.Labels, l => l.Pattern == pattern);
        }

        // every copy starts by day 90 - 20 = 70; its first sighting can come a little later when the phone is off or
        // abroad on its first days (a copy used on 30 % of days is unseen for three days running one time in three)
        var cloneImeis = data.Labels.Where(l => l.IsClone).Select(l => data.Imeis.ToList().IndexOf(l.Imei)).ToHashSet();
        var firstDays = data.Rows.Where(r => cloneImeis.Contains(r.ImeiIndex)).GroupBy(r => r.SimIndex).Select(g => g.Min(r => r.Day)).ToList();
        Assert.True(firstDays.Count(day => day > 70) <= firstDays.Count / 100, $"{firstDays.Count(day => day > 70)} of {firstDays.Count} SIMs first seen after day 70");
        Assert.True(firstDays.Any(day => day > 60), "no copy starts late");
    }

    [Fact]
    public void Missing_operator_days_drop_whole_days_of_one_operator_and_the_DIRBS_shape_writes_one_dated_file_per_operator()
    {
        var full = DemoDataGenerator.Generate(9, 800, 60, null, DemoSettings.Extended);
        var gappy = DemoDataGenerator.Generate(9, 800, 60, null, DemoSettings.Extended with { MissingOperatorDays = 0.1, Shape = DemoFileShape.DirbsDates });

        var fullDays = full.Rows.Select(r => (full.Sims[r.SimIndex].Operator, r.Day)).ToHashSet();
        var gappyDays = gappy.Rows.Select(r => (gappy.Sims[r.SimIndex].Operator, r.Day)).ToHashSet();
        Assert.Subset(fullDays, gappyDays);
        Assert.InRange(fullDays.Count - gappyDays.Count, 5, 40); // 10 % of 180 operator-days is 18
        // the rows kept are exactly those of the operator-days kept
        Assert.Equal(full.Rows.Count(r => gappyDays.Contains((full.Sims[r.SimIndex].Operator, r.Day))), gappy.Rows.Count);

        var folder = Directory.CreateTempSubdirectory("devreg-demo-").FullName;
        try
        {
            var files = DemoFiles.WriteAll(gappy, folder);
            Assert.Equal(["Azercell", "Bakcell", "Nar"], files.Logs.Select(l => l.Operator).Order(StringComparer.Ordinal));
            foreach (var (path, _) in files.Logs)
            {
                var lines = File.ReadAllLines(path);
                Assert.Equal("date,imei,imsi,msisdn", lines[0]);
                var fields = lines[1].Split(',');
                Assert.Equal(4, fields.Length);
                Assert.True(DateOnly.TryParseExact(fields[0], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), lines[1]);
            }

            Assert.Equal(gappy.Rows.Count, files.Logs.Sum(l => File.ReadAllLines(l.Path).Length - 1));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Relatives_SIMs_live_in_a_phone_of_their_own_as_configured(double share)
    {
        var data = DemoDataGenerator.Generate(7, 1500, 60, null, DemoSettings.Extended with { RelativesWithPhones = share });
        var imeis = data.Imeis.ToList();
        var imeisBySim = data.Rows.GroupBy(r => r.SimIndex).ToDictionary(g => g.Key, g => g.Select(r => r.ImeiIndex).ToHashSet());
        var borrowed = data.Labels.Where(l => l.Pattern == DemoPatterns.FamilySwap).Select(l => imeis.IndexOf(l.Imei)).ToList();
        Assert.NotEmpty(borrowed);
        var relatives = 0;
        foreach (var phone in borrowed)
        {
            // the owner's SIM is the one seen on most days of the borrowed phone; the others are the relatives'
            var sims = data.Rows.Where(r => r.ImeiIndex == phone).GroupBy(r => r.SimIndex)
                .OrderByDescending(g => g.Select(r => r.Day).Distinct().Count()).Select(g => g.Key).ToList();
            foreach (var relative in sims.Skip(1))
            {
                relatives++;
                Assert.Equal(share == 1.0, imeisBySim[relative].Count > 1);
            }
        }

        Assert.True(relatives >= 20, $"{relatives} relatives");
    }

    [Fact]
    public void A_share_out_of_range_is_refused_by_name()
    {
        var problems = (DemoSettings.Extended with { RelativesWithPhones = 1.5, MissingOperatorDays = 0.6 }).Validate().ToList();
        Assert.Equal(["the share of relatives with phones 1.5 must be from 0 to 1", "the share of missing operator-days 0.6 must be from 0 to 0.5"], problems);
        Assert.Empty(DemoSettings.Extended.Validate());
    }
}
