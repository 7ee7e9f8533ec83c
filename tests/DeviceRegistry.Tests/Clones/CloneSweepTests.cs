using System.Globalization;
using DeviceRegistry.Cli.Sweep;
using DeviceRegistry.Demo;
using Xunit.Abstractions;

namespace DeviceRegistry.Tests.Clones;

/// <summary>
/// A small version of `devreg demo sweep`: the extended mix (owners on 35-99 % of days, copies on 30-90 % of theirs starting
/// up to two weeks before the as-of date, often on another operator, test phones, dealers, hesitant number changes), 90 days,
/// both file shapes (UTC timestamps; DIRBS dates per operator with 5 % of operator-days missing), three seeds, each loaded
/// through the ingest into its own SQLite store.
/// </summary>
public sealed class CloneSweepTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_default_rules_keep_precision_on_every_run_spare_the_honest_behaviours_and_beat_the_week_quotas_and_DIRBS()
    {
        var grid = new[]
        {
            new SweepSetting(90, DemoSettings.Extended with { Shape = DemoFileShape.UtcTimestamps }),
            new SweepSetting(90, DemoSettings.Extended with { Shape = DemoFileShape.DirbsDates, MissingOperatorDays = 0.05 }),
        };
        var scores = await DemoSweep.RunAsync(grid, [1, 2, 3], 1500, DemoSweep.RuleSets, null);
        var report = DemoSweep.Report(scores);
        output.WriteLine(report);

        var defaults = scores.Where(s => s.RuleSet == "defaults").ToList();
        Assert.Equal(6, defaults.Count);
        foreach (var run in defaults)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{run.Setting.Label} seed {run.Seed}");
            Assert.True(run.Precision >= 0.99, $"{where}: precision {run.Precision:F4}");
            foreach (var pattern in new[] { DemoPatterns.Resale, DemoPatterns.FamilySwap, DemoPatterns.ShopDevice, DemoPatterns.SimReplacement, DemoPatterns.Roamer,
                DemoPatterns.TestPhone })
            {
                Assert.True(run.ByBehaviour().Single(b => b.Behaviour == pattern).Flagged == 0, $"{where}: {pattern} flagged");
            }

            // Measured, not the target of 0.95 (docs/clone-detection.md).
            Assert.True(run.Recall >= 0.85, $"{where}: recall {run.Recall:F4}"); // 0.868-0.903 measured
            Assert.True(run.ByBehaviour().Single(b => b.Behaviour == DemoPatterns.NumberChange).Flagged == 0, $"{where}: a number change flagged");

            // Evaluated as of every day, as continuous detection does: a verdict is sticky, so an IMEI flagged on any day counts.
            // The last day is one of those days, so everything flagged as of it is among them.
            Assert.NotNull(run.FlaggedAnyDay);
            Assert.Subset(run.FlaggedAnyDay.ToHashSet(), run.Flagged.ToHashSet());
            foreach (var pattern in new[] { DemoPatterns.NumberChange, DemoPatterns.Resale, DemoPatterns.ShopDevice, DemoPatterns.SimReplacement, DemoPatterns.Roamer })
            {
                Assert.True(run.ByBehaviourAnyDay().Single(b => b.Behaviour == pattern).Flagged == 0, $"{where}: {pattern} flagged on some day");
            }

            // a relative's SIM in a busy few weeks, a test pool whose two SIMs ran on the same days: by their days, for a while,
            // second users (measured: none and one in 184 on these runs; 7 of 2,972 relatives and 2 of 728 test phones on the
            // default sweep, docs/clone-detection.md)
            foreach (var pattern in new[] { DemoPatterns.FamilySwap, DemoPatterns.TestPhone })
            {
                var (_, flaggedAnyDay, count) = run.ByBehaviourAnyDay().Single(b => b.Behaviour == pattern);
                Assert.True(flaggedAnyDay <= Math.Max(1, count / 200), $"{where}: {flaggedAnyDay} of {count} {pattern} flagged on some day");
            }
        }

        // Every missed two-user clone is accounted for by a step of the test and, with its two SIMs, the copy's age: at least a
        // day, and at most the days read (90 days of data from a month's start); the report tables them by age.
        foreach (var run in defaults)
        {
            var (_, found, twoUser) = run.ByBehaviour().Single(b => b.Behaviour == "clone_2_users");
            Assert.Equal(twoUser - found, run.MissedPairs.Count);
            Assert.All(run.MissedPairs.Where(p => p.CopyAgeDays is not null), p => Assert.InRange(p.CopyAgeDays!.Value, 1, 121));
        }

        Assert.Contains("| step | under 14 days | 14-20 | 21-27 | 28-41 | 42+ | all |", report, StringComparison.Ordinal);

        // The rule-free view of the evidence: every clone has two SIMs or more, so each is in one of its bands.
        Assert.All(defaults, run => Assert.All(run.Labels.Where(l => l.IsClone), l => Assert.True(run.DaysTogether.ContainsKey(l.Imei), $"{l.Imei} not measured")));
        Assert.Contains("| behaviour | none | 1-3 days | 4-7 days | 8+ days |", report, StringComparison.Ordinal);

        // Clones of four or more users: all but about one in a hundred (a batch of young copies beside a part-time owner is
        // held while it could still be a change-over).
        var large = defaults.SelectMany(r => r.ByBehaviour()).Where(b => b.Behaviour == "clone_4plus_users").ToList();
        Assert.True(large.Sum(b => b.Flagged) >= 0.98 * large.Sum(b => b.Total), $"{large.Sum(b => b.Flagged)} of {large.Sum(b => b.Total)} large clones found");

        // Time to flag (the target: a copy used on half its days flagged within 14 days of its first use). Not met by
        // design: while a hesitant number change could still be going on, the owner's kept use must show over two weeks after
        // the copy's first three days (IndependentUseRule.KeptSpanDays), so a two-user clone still in use is flagged on its 17th
        // day at the earliest; beside an owner on 80 % of days or more, nine in ten by the 21st (docs/clone-detection.md).
        var half = defaults.SelectMany(r => r.TimesToFlag).Where(t => t.CopyRate is >= 0.4 and < 0.6 && t.OwnerRate >= 0.8 && t.CopyDays >= 22).ToList();
        Assert.True(half.Count >= 50, $"only {half.Count} copies at about half beside busy owners");
        Assert.True(half.Count(t => t.DaysToFlag <= 21) >= 0.9 * half.Count, $"{half.Count(t => t.DaysToFlag <= 21)} of {half.Count} flagged within 21 days");

        foreach (var other in scores.Where(s => s.RuleSet != "defaults"))
        {
            var mine = defaults.Single(d => d.Setting == other.Setting && d.Seed == other.Seed);
            Assert.True(mine.Recall > other.Recall, $"{other.RuleSet} recall {other.Recall:F3} is not below the defaults' {mine.Recall:F3}");
        }
    }

    [Fact]
    public void The_days_together_are_those_of_the_pair_of_SIMs_seen_together_most()
    {
        // July 2026 (month 202607): bit d-1 = day d
        static int Days(params int[] days) => days.Aggregate(0, (mask, d) => mask | (1 << (d - 1)));
        var activity = new DeviceRegistry.Clones.ImeiActivity(new DateOnly(2026, 7, 1), new DateOnly(2026, 8, 31));
        activity.Reset(35000000000001);
        activity.Add("400010000000001", 202607, Days(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        Assert.Equal(0, DemoSweep.MostDaysTogether(activity));

        activity.Add("400010000000002", 202607, Days(6, 7, 8, 21)); // with the first on 6, 7 and 8
        activity.Add("400020000000003", 202607, Days(9, 10, 21, 22)); // with the first on 9, 10; with the second on 21
        activity.Add("400020000000003", 202608, Days(6, 7)); // August: nobody else
        Assert.Equal(3, DemoSweep.MostDaysTogether(activity));

        activity.Add("400020000000003", 202607, Days(1, 2)); // now with the first on 1, 2, 9 and 10
        Assert.Equal(4, DemoSweep.MostDaysTogether(activity));
    }
}
