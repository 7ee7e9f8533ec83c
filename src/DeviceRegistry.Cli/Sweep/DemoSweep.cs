using System.Globalization;
using System.Text;
using DeviceRegistry.Clones;
using DeviceRegistry.Demo;
using DeviceRegistry.Sightings;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Sweep;

/// <summary>One setting of the sweep: the generator's knobs and the length of the data.</summary>
internal sealed record SweepSetting(int Days, DemoSettings Demo)
{
    public string Label => string.Create(CultureInfo.InvariantCulture,
        $"{Days}d {Demo.Shape} missing={Demo.MissingOperatorDays:0.##} owners={Demo.OwnerUseMin:0.##}-{Demo.OwnerUseMax:0.##} copies={Demo.CopyUseMin:0.##}-{Demo.CopyUseMax:0.##} copy-min-days={Demo.CopyMinDays}");
}

/// <summary>What one rule set did on one generated store.</summary>
internal sealed record SweepScore(string RuleSet, SweepSetting Setting, int Seed, IReadOnlyList<DemoLabel> Labels, IReadOnlySet<long> Flagged)
{
    public int TruePositives => Labels.Count(l => l.IsClone && Flagged.Contains(l.Imei));

    public int FalsePositives => Labels.Count(l => !l.IsClone && Flagged.Contains(l.Imei));

    public int Clones => Labels.Count(l => l.IsClone);

    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Clones == 0 ? 1 : (double)TruePositives / Clones;

    /// <summary>Flagged and total per behaviour; clones split by size (2, 3, 4+ users).</summary>
    public IEnumerable<(string Behaviour, int Flagged, int Total)> ByBehaviour() =>
        Labels.GroupBy(DemoSweep.BehaviourOf).Select(g => (g.Key, g.Count(l => Flagged.Contains(l.Imei)), g.Count()));
}

/// <summary>
/// The robustness harness: generates labelled data for every setting and seed, loads it through the real ingest into a
/// throwaway SQLite store, evaluates each rule set on it and scores the verdicts per behaviour.
/// </summary>
internal static class DemoSweep
{
    /// <summary>The rule sets compared: the project's defaults, the previous defaults and DIRBS's counting conditions.</summary>
    public static IReadOnlyList<(string Name, CloneRuleSet Rules)> RuleSets { get; } =
    [
        ("defaults", CloneRuleSet.Defaults),
        ("weekly-quotas (previous defaults)", CloneRuleSet.WeeklyQuotas),
        ("dirbs", CloneRuleSet.DirbsStyle),
    ];

    /// <summary>The honest behaviours the targets say must never be flagged.</summary>
    public static IReadOnlyList<string> NeverFlagged { get; } =
        [DemoPatterns.NumberChange, DemoPatterns.Resale, DemoPatterns.FamilySwap, DemoPatterns.ShopDevice, DemoPatterns.TestPhone];

    public static string BehaviourOf(DemoLabel label) => !label.IsClone ? label.Pattern
        : label.Users switch { 2 => "clone_2_users", 3 => "clone_3_users", _ => "clone_4plus_users" };

    /// <summary>The default grid: both lengths, both file shapes the issue names (UTC timestamps, DIRBS dates), with and without missing operator files.</summary>
    public static IReadOnlyList<SweepSetting> Grid(IEnumerable<int> days, IEnumerable<DemoFileShape> shapes, IEnumerable<double> missing, DemoSettings knobs) =>
        (from d in days
         from shape in shapes
         from m in missing
         select new SweepSetting(d, knobs with { Shape = shape, MissingOperatorDays = m })).ToList();

    public static async Task<IReadOnlyList<SweepScore>> RunAsync(IReadOnlyList<SweepSetting> settings, IReadOnlyList<int> seeds, int devices,
        IReadOnlyList<(string Name, CloneRuleSet Rules)> ruleSets, TextWriter? progress, CancellationToken ct = default)
    {
        var scores = new List<SweepScore>();
        foreach (var setting in settings)
        {
            foreach (var seed in seeds)
            {
                scores.AddRange(await RunOneAsync(setting, seed, devices, ruleSets, ct));
                if (progress is not null)
                {
                    var line = string.Join("; ", scores.TakeLast(ruleSets.Count).Select(s =>
                        string.Create(CultureInfo.InvariantCulture, $"{s.RuleSet} P={s.Precision:F3} R={s.Recall:F3}")));
                    await progress.WriteLineAsync($"  {setting.Label} seed {seed}: {line}");
                }
            }
        }

        return scores;
    }

    private static async Task<IReadOnlyList<SweepScore>> RunOneAsync(SweepSetting setting, int seed, int devices,
        IReadOnlyList<(string Name, CloneRuleSet Rules)> ruleSets, CancellationToken ct)
    {
        // the data ends a week before today, so no row is in the future whatever the shape
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-setting.Days - 7);
        var data = DemoDataGenerator.Generate(seed, devices, setting.Days, start, setting.Demo);
        var folder = Directory.CreateTempSubdirectory("devreg-sweep-").FullName;
        try
        {
            var files = DemoFiles.WriteAll(data, folder);
            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Registry"] = $"Data Source={Path.Combine(folder, "registry.db")}",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            var context = new CliContext(TextWriter.Null, TextWriter.Null, settings);
            await using var services = context.BuildServices();
            foreach (var (path, operatorName) in files.Logs)
            {
                await using var scope = services.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new IngestFile(path, operatorName), ct);
                if (result.Outcome != IngestOutcome.Accepted)
                {
                    throw new InvalidOperationException($"the sweep's generated file {path} was not loaded: {result.Message}");
                }
            }

            var evaluator = new CloneEvaluator(services.GetRequiredService<Data.RegistryDatabase>());
            var scores = new List<SweepScore>();
            foreach (var (name, rules) in ruleSets)
            {
                var evaluation = await evaluator.EvaluateAsync(rules, data.LastDay, ct: ct);
                scores.Add(new SweepScore(name, setting, seed, data.Labels, evaluation.Matches.Select(m => m.Imei).ToHashSet()));
            }

            return scores;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Markdown: per rule set, precision and recall (pooled, and the worst setting-seed), then flags per behaviour.</summary>
    public static string Report(IReadOnlyList<SweepScore> scores)
    {
        var sb = new StringBuilder();
        var sets = scores.Select(s => s.RuleSet).Distinct().ToList();
        sb.AppendLine("| rules | runs | precision (pooled) | recall (pooled) | worst precision | worst recall |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var set in sets)
        {
            var runs = scores.Where(s => s.RuleSet == set).ToList();
            int tp = runs.Sum(r => r.TruePositives), fp = runs.Sum(r => r.FalsePositives), clones = runs.Sum(r => r.Clones);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {set} | {runs.Count} | {(tp + fp == 0 ? 1 : (double)tp / (tp + fp)):F3} | {(clones == 0 ? 1 : (double)tp / clones):F3} | {runs.Min(r => r.Precision):F3} | {runs.Min(r => r.Recall):F3} |"));
        }

        sb.AppendLine();
        sb.AppendLine("| behaviour | " + string.Join(" | ", sets.Select(s => $"{s}: flagged / IMEIs")) + " |");
        sb.AppendLine("|---|" + string.Concat(sets.Select(_ => "---|")));
        var behaviours = scores.SelectMany(s => s.ByBehaviour().Select(b => b.Behaviour)).Distinct().Order(StringComparer.Ordinal);
        foreach (var behaviour in behaviours)
        {
            sb.Append("| ").Append(behaviour);
            foreach (var set in sets)
            {
                var rows = scores.Where(s => s.RuleSet == set).SelectMany(s => s.ByBehaviour()).Where(b => b.Behaviour == behaviour).ToList();
                int flagged = rows.Sum(r => r.Flagged), total = rows.Sum(r => r.Total);
                sb.Append(string.Create(CultureInfo.InvariantCulture, $" | {flagged} / {total} ({(total == 0 ? 0 : (double)flagged / total):P1})"));
            }

            sb.AppendLine(" |");
        }

        sb.AppendLine();
        sb.AppendLine("Per setting (pooled over seeds):");
        sb.AppendLine();
        sb.AppendLine("| setting | " + string.Join(" | ", sets.Select(s => $"{s} P / R"))+ " |");
        sb.AppendLine("|---|" + string.Concat(sets.Select(_ => "---|")));
        foreach (var group in scores.GroupBy(s => s.Setting.Label))
        {
            sb.Append("| ").Append(group.Key);
            foreach (var set in sets)
            {
                var runs = group.Where(s => s.RuleSet == set).ToList();
                int tp = runs.Sum(r => r.TruePositives), fp = runs.Sum(r => r.FalsePositives), clones = runs.Sum(r => r.Clones);
                sb.Append(string.Create(CultureInfo.InvariantCulture, $" | {(tp + fp == 0 ? 1 : (double)tp / (tp + fp)):F3} / {(clones == 0 ? 1 : (double)tp / clones):F3}"));
            }

            sb.AppendLine(" |");
        }

        return sb.ToString();
    }
}
