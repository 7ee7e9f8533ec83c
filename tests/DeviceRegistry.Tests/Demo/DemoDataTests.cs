using System.Security.Cryptography;
using DeviceRegistry.Demo;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Tests.Demo;

public sealed class DemoDataTests
{
    private static readonly Dictionary<string, string> HomeNetworkOf = new()
    {
        ["40001"] = "Azercell",
        ["40002"] = "Bakcell",
        ["40004"] = "Nar",
    };

    private static readonly Dictionary<string, string[]> MsisdnPrefixesOf = new()
    {
        ["Azercell"] = ["99450", "99451"],
        ["Bakcell"] = ["99455", "99499"],
        ["Nar"] = ["99470", "99477"],
    };

    [Fact]
    public async Task The_same_seed_writes_the_same_files_and_another_seed_other_files()
    {
        var a = Directory.CreateTempSubdirectory("devreg-demo-").FullName;
        var b = Directory.CreateTempSubdirectory("devreg-demo-").FullName;
        var c = Directory.CreateTempSubdirectory("devreg-demo-").FullName;
        try
        {
            DemoFiles.Write(DemoDataGenerator.Generate(7, 300, 60), a);
            DemoFiles.Write(DemoDataGenerator.Generate(7, 300, 60), b);
            DemoFiles.Write(DemoDataGenerator.Generate(8, 300, 60), c);

            foreach (var name in new[] { DemoFiles.AttachLogName, DemoFiles.LabelsName })
            {
                Assert.Equal(await HashAsync(Path.Combine(a, name)), await HashAsync(Path.Combine(b, name)));
                Assert.NotEqual(await HashAsync(Path.Combine(a, name)), await HashAsync(Path.Combine(c, name)));
            }
        }
        finally
        {
            foreach (var dir in new[] { a, b, c })
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Every_pattern_appears_and_clone_sizes_are_heavy_tailed_from_two_to_over_a_hundred()
    {
        var data = DemoDataGenerator.Generate(DemoScoringTests.Seed, DemoScoringTests.Devices, DemoScoringTests.Days);

        var patterns = data.Labels.Select(l => l.Pattern).ToHashSet();
        foreach (var pattern in new[] { DemoPatterns.SingleSim, DemoPatterns.NumberChange, DemoPatterns.SimReplacement, DemoPatterns.Resale,
                     DemoPatterns.FamilySwap, DemoPatterns.DualSim, DemoPatterns.Roamer, DemoPatterns.Traveller, DemoPatterns.ShopDevice, DemoPatterns.Clone })
        {
            Assert.Contains(pattern, patterns);
        }

        var sizes = data.Labels.Where(l => l.IsClone).Select(l => l.Users).Order().ToList();
        Assert.Equal(2, sizes[0]);
        Assert.True(sizes[sizes.Count / 2] <= 3, "most clones are one or two copies");
        Assert.True(sizes[^1] >= 100, $"the largest clone has {sizes[^1]} users");
        Assert.True(sizes[^1] <= 150);
        Assert.All(data.Labels, l => Assert.Equal(l.Pattern == DemoPatterns.Clone, l.IsClone));
        Assert.Equal(data.Labels.Count, data.Labels.Select(l => l.Imei).Distinct().Count());
    }

    [Fact]
    public async Task The_attach_log_follows_the_contract_with_three_operators_their_prefixes_and_roamers()
    {
        var dir = Directory.CreateTempSubdirectory("devreg-demo-").FullName;
        try
        {
            var data = DemoDataGenerator.Generate(11, 800, 90);
            var (log, labels) = DemoFiles.Write(data, dir);
            var lines = await File.ReadAllLinesAsync(log);

            Assert.Equal("timestamp,imei,imsi,msisdn,operator,rat", lines[0]);
            Assert.Equal(data.Rows.Count, lines.Length - 1);
            var roamers = 0;
            var perImeiDays = new Dictionary<long, HashSet<string>>();
            foreach (var line in lines.Skip(1))
            {
                var f = line.Split(',');
                Assert.True(DateTimeOffset.TryParse(f[0], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _), line);
                Assert.True(Imei.TryParseFromNetwork(f[1], out var imei, out _), line);
                Assert.Equal(15, f[2].Length);
                Assert.Contains(f[4], MsisdnPrefixesOf.Keys);
                if (f[2].StartsWith("400", StringComparison.Ordinal))
                {
                    Assert.Equal(HomeNetworkOf[f[2][..5]], f[4]);
                    Assert.Contains(f[3][..5], MsisdnPrefixesOf[f[4]]);
                }
                else
                {
                    roamers++;
                    Assert.False(f[3].StartsWith("994", StringComparison.Ordinal), line);
                }

                if (f[1].Length == 15 && f[4] == "Azercell")
                {
                    Assert.True(Luhn.IsValid(f[1]), line);
                }

                (perImeiDays.TryGetValue(imei.Key, out var set) ? set : perImeiDays[imei.Key] = []).Add(f[0][..10]);
            }

            Assert.True(roamers > 0);
            Assert.Contains(lines.Skip(1), l => l.Split(',')[1].Length == 16); // IMEISV from one network

            // phones are off on some days: single-SIM phones are not seen every day
            var singles = data.Labels.Where(l => l.Pattern == DemoPatterns.SingleSim).Select(l => perImeiDays[l.Imei].Count).ToList();
            Assert.True(singles.Average() < 90 * 0.95, $"average days seen {singles.Average():F1} of 90");

            var labelLines = await File.ReadAllLinesAsync(labels);
            Assert.Equal("imei,pattern,is_clone,users", labelLines[0]);
            Assert.Equal(data.Labels.Count, labelLines.Length - 1);
            Assert.All(labelLines.Skip(1), l => Assert.Equal(14, l.Split(',')[0].Length));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_demo_verb_writes_both_files_and_refuses_bad_options()
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("devreg-demo-").FullName, "out");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await DeviceRegistry.Cli.DevReg.RunAsync(["demo", "--out", dir, "--seed", "3", "--devices", "200", "--days", "60"], output, error);

            Assert.True(code == 0, error.ToString());
            Assert.True(File.Exists(Path.Combine(dir, DemoFiles.AttachLogName)));
            Assert.True(File.Exists(Path.Combine(dir, DemoFiles.LabelsName)));
            Assert.Contains("clones", output.ToString(), StringComparison.Ordinal);

            using var error2 = new StringWriter();
            Assert.Equal(2, await DeviceRegistry.Cli.DevReg.RunAsync(["demo", "--out", dir, "--days", "5"], output, error2));
            Assert.Contains("--days", error2.ToString(), StringComparison.Ordinal);
            Assert.Equal(2, await DeviceRegistry.Cli.DevReg.RunAsync(["demo"], output, error2));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    private static async Task<string> HashAsync(string path) => Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path)));
}
