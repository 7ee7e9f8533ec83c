using System.Globalization;
using System.Text;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Demo;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DeviceRegistry.Tests.Demo;

/// <summary>
/// THE scoring test: generate labelled demo data, load it with `devreg ingest`, run `devreg detect` with
/// the default rules and score the verdicts against the labels; then score DIRBS-style counting rules
/// on the same sightings for comparison (docs/clone-detection.md holds the table).
/// </summary>
public sealed class DemoScoringTests(ITestOutputHelper output)
{
    public const int Seed = 20261122;
    public const int Devices = 4000;
    public const int Days = 120;

    private static readonly string[] NeverFlagged = [DemoPatterns.NumberChange, DemoPatterns.Resale, DemoPatterns.SimReplacement];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Default_rules_find_the_clones_and_spare_honest_subscribers_better_than_counting(DatabaseProvider provider)
    {
        var data = DemoDataGenerator.Generate(Seed, Devices, Days);
        var folder = Directory.CreateTempSubdirectory("devreg-demo-").FullName;
        try
        {
            var (log, _) = DemoFiles.Write(data, folder);
            await using var db = await TestDatabase.CreateAsync(provider);
            var ingest = await Infrastructure.Cli.RunAsync(db, "ingest", log);
            Assert.True(ingest.ExitCode == 0, ingest.Error + ingest.Out);
            output.WriteLine(ingest.Out);

            var asOf = data.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var run = await Infrastructure.Cli.RunAsync(db, "detect", "--as-of", asOf);
            Assert.True(run.ExitCode == 0, run.Error);
            output.WriteLine(run.Out);

            await using var context = db.CreateContext();
            var flagged = (await context.Set<CloneStatus>().Where(s => s.Status == CloneStatusValues.Clone).Select(s => s.Imei).ToListAsync())
                .ToHashSet();
            var ours = Score.Of("project defaults (independent-use + safety nets)", data.Labels, flagged);

            var evaluator = new CloneEvaluator(db.Database);
            var dirbs = Score.Of("DIRBS: DistinctImsis 10/120 or DailyAverageImsis 4.0/30/5", data.Labels,
                (await evaluator.EvaluateAsync(CloneRuleSet.DirbsStyle, data.LastDay)).Matches.Select(m => m.Imei).ToHashSet());
            var naive = Score.Of("counting: DistinctImsis 2/90", data.Labels,
                (await evaluator.EvaluateAsync(new CloneRuleSet([new DistinctImsisRule("two", 2, 90)]), data.LastDay)).Matches.Select(m => m.Imei).ToHashSet());
            var dirbsLow = Score.Of("counting: DistinctImsis 3/90", data.Labels,
                (await evaluator.EvaluateAsync(new CloneRuleSet([new DistinctImsisRule("three", 3, 90)]), data.LastDay)).Matches.Select(m => m.Imei).ToHashSet());

            output.WriteLine($"{provider}: seed {Seed}, {Devices} devices, {Days} days, {data.Labels.Count} IMEIs, {data.Labels.Count(l => l.IsClone)} clones");
            output.WriteLine(Score.Table([ours, dirbs, naive, dirbsLow]));
            output.WriteLine(ours.PerPattern());
            output.WriteLine(dirbs.PerPattern());

            Assert.True(ours.Precision >= 0.99, $"precision {ours.Precision:F4}; false positives: {ours.FalsePositiveDetail}");
            Assert.True(ours.Recall >= 0.95, $"recall {ours.Recall:F4}; missed: {ours.MissedDetail}");
            foreach (var pattern in NeverFlagged)
            {
                Assert.Equal(0, ours.Flagged(pattern));
            }

            // the comparison must show something: counting misses clones or flags honest subscribers
            Assert.True(dirbs.Recall < ours.Recall || dirbs.Precision < ours.Precision);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Score(string Name, IReadOnlyList<DemoLabel> Labels, HashSet<long> FlaggedImeis)
    {
        public static Score Of(string name, IReadOnlyList<DemoLabel> labels, HashSet<long> flagged) => new(name, labels, flagged);

        public int TruePositives => Labels.Count(l => l.IsClone && FlaggedImeis.Contains(l.Imei));

        public int FalsePositives => Labels.Count(l => !l.IsClone && FlaggedImeis.Contains(l.Imei));

        public int FalseNegatives => Labels.Count(l => l.IsClone && !FlaggedImeis.Contains(l.Imei));

        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

        public double Recall => (double)TruePositives / (TruePositives + FalseNegatives);

        public int Flagged(string pattern) => Labels.Count(l => l.Pattern == pattern && FlaggedImeis.Contains(l.Imei));

        public string FalsePositiveDetail => string.Join("; ", Labels.Where(l => !l.IsClone && FlaggedImeis.Contains(l.Imei)).Select(l => $"{l.Imei:D14} {l.Pattern}"));

        public string MissedDetail => string.Join("; ", Labels.Where(l => l.IsClone && !FlaggedImeis.Contains(l.Imei)).Select(l => $"{l.Imei:D14} users={l.Users}"));

        /// <summary>Recall by clone size and flags by honest pattern.</summary>
        public string PerPattern()
        {
            var sb = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{Name}:");
            foreach (var (label, min, max) in new[] { ("clone 2 users", 2, 2), ("clone 3-5", 3, 5), ("clone 6-20", 6, 20), ("clone 21+", 21, 1000) })
            {
                var clones = Labels.Where(l => l.IsClone && l.Users >= min && l.Users <= max).ToList();
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {label}: {clones.Count(c => FlaggedImeis.Contains(c.Imei))}/{clones.Count} found");
            }

            foreach (var group in Labels.Where(l => !l.IsClone).GroupBy(l => l.Pattern).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key}: {group.Count(l => FlaggedImeis.Contains(l.Imei))}/{group.Count()} flagged");
            }

            return sb.ToString();
        }

        public static string Table(IEnumerable<Score> scores)
        {
            var sb = new StringBuilder("| rules | flagged | true clones found | honest IMEIs flagged | precision | recall |\n|---|---|---|---|---|---|\n");
            foreach (var s in scores)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {s.Name} | {s.TruePositives + s.FalsePositives} | {s.TruePositives} of {s.TruePositives + s.FalseNegatives} | {s.FalsePositives} | {s.Precision:F3} | {s.Recall:F3} |");
            }

            return sb.ToString();
        }
    }
}
