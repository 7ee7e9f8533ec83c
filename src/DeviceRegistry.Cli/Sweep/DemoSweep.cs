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
        $"{Days}d {Demo.Shape} missing={Demo.MissingOperatorDays:0.##} owners={Demo.OwnerUseMin:0.##}-{Demo.OwnerUseMax:0.##} copies={Demo.CopyUseMin:0.##}-{Demo.CopyUseMax:0.##} copy-min-days={Demo.CopyMinDays} relatives-with-phones={Demo.RelativesWithPhones:0.##}");
}

/// <summary>
/// One clone's time to flag under the defaults: its first copy's first day and its rate (days seen over its days from first
/// to last), and how many days after that first day the defaults first flag it (evaluated as of each day), or null.
/// </summary>
internal sealed record TimeToFlag(string Behaviour, double CopyRate, double OwnerRate, int CopyDays, int? DaysToFlag);

/// <summary>What one rule set did on one generated store.</summary>
internal sealed record SweepScore(string RuleSet, SweepSetting Setting, int Seed, IReadOnlyList<DemoLabel> Labels, IReadOnlySet<long> Flagged)
{
    /// <summary>The defaults only: each clone's time to flag.</summary>
    public IReadOnlyList<TimeToFlag> TimesToFlag { get; init; } = [];

    /// <summary>The defaults only: each missed two-user clone's pair, with the step of the independent-use test it fails.</summary>
    public IReadOnlyList<MissedPair> MissedPairs { get; init; } = [];

    /// <summary>
    /// The defaults only: the IMEIs flagged on some day when evaluated as of every day of the data, as continuous detection
    /// does (a verdict is sticky, so a pair that passes on one day and not the next is still a clone); null when not measured.
    /// </summary>
    public IReadOnlySet<long>? FlaggedAnyDay { get; init; }

    /// <summary>
    /// The defaults only: per IMEI with two SIMs or more seen in the range read, the most days any two of them were both seen over the data read as
    /// of the last day (<see cref="DemoSweep.MostDaysTogether"/>), the evidence any day-level rule has to go on.
    /// </summary>
    public IReadOnlyDictionary<long, int> DaysTogether { get; init; } = new Dictionary<long, int>();

    public int TruePositives => Labels.Count(l => l.IsClone && Flagged.Contains(l.Imei));

    public int FalsePositives => Labels.Count(l => !l.IsClone && Flagged.Contains(l.Imei));

    public int Clones => Labels.Count(l => l.IsClone);

    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Clones == 0 ? 1 : (double)TruePositives / Clones;

    /// <summary>Flagged and total per behaviour; clones split by size (2, 3, 4+ users).</summary>
    public IEnumerable<(string Behaviour, int Flagged, int Total)> ByBehaviour() => ByBehaviour(Flagged);

    /// <summary>As <see cref="ByBehaviour()"/>, for the IMEIs flagged on some day (<see cref="FlaggedAnyDay"/>); empty when not measured.</summary>
    public IEnumerable<(string Behaviour, int Flagged, int Total)> ByBehaviourAnyDay() => FlaggedAnyDay is { } set ? ByBehaviour(set) : [];

    /// <summary>The clones and the honest IMEIs flagged on some day when evaluated as of every day (<see cref="FlaggedAnyDay"/>).</summary>
    public (int TruePositives, int FalsePositives) AnyDay() => FlaggedAnyDay is { } set
        ? (Labels.Count(l => l.IsClone && set.Contains(l.Imei)), Labels.Count(l => !l.IsClone && set.Contains(l.Imei)))
        : (0, 0);

    private IEnumerable<(string Behaviour, int Flagged, int Total)> ByBehaviour(IReadOnlySet<long> flagged) =>
        Labels.GroupBy(DemoSweep.BehaviourOf).Select(g => (g.Key, g.Count(l => flagged.Contains(l.Imei)), g.Count()));
}

/// <summary>
/// A missed two-user clone: the step of the independent-use test its pair fails, and the copy's age at the last day
/// (days from the newer SIM's first day seen to the last day, counting both; null when the IMEI has not two SIMs).
/// </summary>
internal readonly record struct MissedPair(PairVerdict Verdict, int? CopyAgeDays);

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

            var database = services.GetRequiredService<Data.RegistryDatabase>();
            var homeNetworks = services.GetRequiredService<Identifiers.HomeNetworks>();
            var evaluator = new CloneEvaluator(database, homeNetworks);
            var (multiSim, byImsi) = await ReadMultiSimAsync(database, data.Labels, ct);
            var scores = new List<SweepScore>();
            foreach (var (name, rules) in ruleSets)
            {
                var evaluation = await evaluator.EvaluateAsync(rules, data.LastDay, ct: ct);
                var flagged = evaluation.Matches.Select(m => m.Imei).ToHashSet();
                var score = new SweepScore(name, setting, seed, data.Labels, flagged);
                if (ReferenceEquals(rules, CloneRuleSet.Defaults))
                {
                    var firstFlags = FirstFlagDays(multiSim, byImsi, data.LastDay, rules, homeNetworks);
                    score = score with
                    {
                        TimesToFlag = MeasureTimesToFlag(multiSim, firstFlags, data.Labels, data.LastDay, rules, homeNetworks),
                        MissedPairs = WhyMissed(multiSim, byImsi, data.Labels, flagged, data.LastDay, rules, homeNetworks),
                        FlaggedAnyDay = firstFlags.Keys.ToHashSet(),
                        DaysTogether = multiSim.Select(m => (m.Key, Activity: Build(m.Key, m.Value, data.LastDay, rules.LongestPeriodDays, homeNetworks)))
                            .Where(m => m.Activity.ImsiCount >= 2).ToDictionary(m => m.Key, m => MostDaysTogether(m.Activity)),
                    };
                }

                scores.Add(score);
            }

            return scores;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The sightings rows of the labelled IMEIs that can have more than one SIM (every pattern but a single SIM), by IMEI; and
    /// every row by IMSI, the SIMs' whereabouts (<see cref="SimWhereabouts"/>).
    /// </summary>
    private static async Task<(Dictionary<long, List<(string Imsi, int Month, int Mask)>> MultiSim, Dictionary<string, List<(long Imei, int Month, int Mask)>> ByImsi)>
        ReadMultiSimAsync(Data.RegistryDatabase database, IReadOnlyList<DemoLabel> labels, CancellationToken ct)
    {
        var wanted = labels.Where(l => l.Pattern != DemoPatterns.SingleSim).Select(l => l.Imei).ToHashSet();
        var rows = new Dictionary<long, List<(string, int, int)>>();
        var byImsi = new Dictionary<string, List<(long, int, int)>>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT imei, imsi, month, day_mask FROM sightings";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var imei = reader.GetInt64(0);
            var (imsi, month, mask) = (reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3));
            if (!byImsi.TryGetValue(imsi, out var seen))
            {
                byImsi[imsi] = seen = [];
            }

            seen.Add((imei, month, mask));
            if (wanted.Contains(imei))
            {
                if (!rows.TryGetValue(imei, out var list))
                {
                    rows[imei] = list = [];
                }

                list.Add((imsi, month, mask));
            }
        }

        return (rows, byImsi);
    }

    /// <summary>One IMEI's activity as of a date; with <paramref name="whereabouts"/>, its SIMs' days on other IMEIs too.</summary>
    private static ImeiActivity Build(long imei, List<(string Imsi, int Month, int Mask)> rows, DateOnly asOf, int longestPeriod, Identifiers.HomeNetworks homeNetworks,
        Dictionary<string, List<(long Imei, int Month, int Mask)>>? whereabouts = null)
    {
        var periodStart = asOf.AddDays(1 - longestPeriod);
        var activity = new ImeiActivity(new DateOnly(periodStart.Year, periodStart.Month, 1), asOf, homeNetworks);
        activity.Reset(imei); // the IMEI the whereabouts leave out
        foreach (var (imsi, month, mask) in rows)
        {
            activity.Add(imsi, month, mask);
        }

        return whereabouts is null ? activity : WithWhereabouts(activity, whereabouts);
    }

    private static ImeiActivity WithWhereabouts(ImeiActivity activity, Dictionary<string, List<(long Imei, int Month, int Mask)>> byImsi)
    {
        SimWhereabouts.Apply(activity, byImsi);
        return activity;
    }

    /// <summary>
    /// Evaluates each IMEI as of every day from its second SIM's first day to the last day, as continuous detection does,
    /// and returns the first as-of date each is flagged (verdicts are sticky: the first flag is the one recorded).
    /// </summary>
    private static Dictionary<long, DateOnly> FirstFlagDays(Dictionary<long, List<(string Imsi, int Month, int Mask)>> rowsByImei,
        Dictionary<string, List<(long Imei, int Month, int Mask)>> byImsi, DateOnly lastDay, CloneRuleSet rules, Identifiers.HomeNetworks homeNetworks)
    {
        var measures = new ActivityMeasures();
        var result = new Dictionary<long, DateOnly>();
        foreach (var (imei, rows) in rowsByImei)
        {
            var firsts = FirstDays(Build(imei, rows, lastDay, rules.LongestPeriodDays, homeNetworks));
            if (firsts.Count < 2)
            {
                continue;
            }

            for (var asOf = firsts[1].Date; asOf <= lastDay; asOf = asOf.AddDays(1))
            {
                // as detection does: the whereabouts read only for a match, and the rules run again with them
                var activity = Build(imei, rows, asOf, rules.LongestPeriodDays, homeNetworks);
                if (rules.FirstMatch(activity, measures) is { } rule &&
                    (!CloneRuleSet.MatchNeedsWhereabouts(activity, rule) || rules.FirstMatch(WithWhereabouts(activity, byImsi), measures) is not null))
                {
                    result.Add(imei, asOf);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>The IMSIs seen, by their first day (index in the activity, day, date), earliest first.</summary>
    private static List<(int Index, int First, DateOnly Date)> FirstDays(ImeiActivity activity) =>
        Enumerable.Range(0, activity.ImsiCount)
            .Select(i => (Index: i, First: ImeiActivity.FirstDay(activity.DaysOf(i))))
            .Where(f => f.First >= 0).OrderBy(f => f.First).Select(f => (f.Index, f.First, activity.DateOf(f.First))).ToList();

    /// <summary>Each clone's time to flag: from its first copy's first day to its first flag as of a day (<see cref="FirstFlagDays"/>).</summary>
    private static IReadOnlyList<TimeToFlag> MeasureTimesToFlag(Dictionary<long, List<(string Imsi, int Month, int Mask)>> clones,
        IReadOnlyDictionary<long, DateOnly> firstFlags, IReadOnlyList<DemoLabel> labels, DateOnly lastDay, CloneRuleSet rules,
        Identifiers.HomeNetworks homeNetworks)
    {
        var result = new List<TimeToFlag>();
        foreach (var label in labels.Where(l => l.IsClone))
        {
            if (!clones.TryGetValue(label.Imei, out var rows))
            {
                continue;
            }

            var whole = Build(label.Imei, rows, lastDay, rules.LongestPeriodDays, homeNetworks);
            var firsts = FirstDays(whole);
            if (firsts.Count < 2)
            {
                continue;
            }

            var owner = whole.DaysOf(firsts[0].Index);
            var ownerLast = ImeiActivity.LastDay(owner);
            var ownerRate = (double)ImeiActivity.CountDays(owner, firsts[0].First, ownerLast) / (ownerLast - firsts[0].First + 1);
            var copy = firsts[1];
            var copyDays = whole.DaysOf(copy.Index);
            var copyLast = ImeiActivity.LastDay(copyDays);
            var rate = (double)ImeiActivity.CountDays(copyDays, copy.First, copyLast) / (copyLast - copy.First + 1);
            var copyFirst = copy.Date;
            int? daysToFlag = firstFlags.TryGetValue(label.Imei, out var flaggedOn) ? flaggedOn.DayNumber - copyFirst.DayNumber : null;
            result.Add(new TimeToFlag(BehaviourOf(label), rate, ownerRate, lastDay.DayNumber - copyFirst.DayNumber + 1, daysToFlag));
        }

        return result;
    }

    /// <summary>For each missed two-user clone, the step at which the independent-use test stops its pair.</summary>
    private static List<MissedPair> WhyMissed(Dictionary<long, List<(string Imsi, int Month, int Mask)>> clones,
        Dictionary<string, List<(long Imei, int Month, int Mask)>> byImsi, IReadOnlyList<DemoLabel> labels, IReadOnlySet<long> flagged, DateOnly lastDay, CloneRuleSet rules, Identifiers.HomeNetworks homeNetworks)
    {
        var result = new List<MissedPair>();
        if (rules.Rules.OfType<IndependentUseRule>().FirstOrDefault() is not { } rule)
        {
            return result;
        }

        foreach (var label in labels.Where(l => l.IsClone && l.Users == 2 && !flagged.Contains(l.Imei)))
        {
            var verdict = PairVerdict.NoCommonSpan;
            int? age = null;
            if (clones.TryGetValue(label.Imei, out var rows))
            {
                var activity = Build(label.Imei, rows, lastDay, rules.LongestPeriodDays, homeNetworks, rules.ReadsWhereabouts ? byImsi : null);
                if (activity.ImsiCount == 2)
                {
                    verdict = rule.Why(activity, 0, 1);
                    int first0 = ImeiActivity.FirstDay(activity.DaysOf(0)), first1 = ImeiActivity.FirstDay(activity.DaysOf(1));
                    if (first0 >= 0 && first1 >= 0)
                    {
                        age = activity.DayCount - Math.Max(first0, first1);
                    }
                }
            }

            result.Add(new MissedPair(verdict, age));
        }

        return result;
    }

    /// <summary>The most days on which any two of the IMEI's SIMs were both seen, over the whole range read (0 with one SIM).</summary>
    public static int MostDaysTogether(ImeiActivity activity)
    {
        var most = 0;
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var a = activity.DaysOf(i);
            for (var j = i + 1; j < activity.ImsiCount; j++)
            {
                var b = activity.DaysOf(j);
                var both = 0;
                for (var w = 0; w < a.Length; w++)
                {
                    both += System.Numerics.BitOperations.PopCount(a[w] & b[w]);
                }

                most = Math.Max(most, both);
            }
        }

        return most;
    }

    private static readonly (string Label, int From, int To)[] TogetherBands =
        [("none", 0, 0), ("1-3 days", 1, 3), ("4-7 days", 4, 7), ("8+ days", 8, int.MaxValue)];

    private static double Ratio(int part, int whole) => whole == 0 ? 1 : (double)part / whole;

    private static readonly (string Label, int From, int To)[] AgeBands =
        [("under 14 days", 0, 13), ("14-20", 14, 20), ("21-27", 21, 27), ("28-41", 28, 41), ("42+", 42, int.MaxValue)];

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

        var daily = scores.Where(s => s.FlaggedAnyDay is not null).ToList();
        if (daily.Count > 0)
        {
            // what a registry running detection every day (continuous detection) records by the last day: a pair that passes
            // on one day and fails on the next is a clone from that day on
            int tp = daily.Sum(r => r.AnyDay().TruePositives), fp = daily.Sum(r => r.AnyDay().FalsePositives), clones = daily.Sum(r => r.Clones);
            sb.AppendLine();
            sb.AppendLine("Evaluated as of every day, as continuous detection does (verdicts are sticky: an IMEI flagged on any day stays flagged), defaults:");
            sb.AppendLine();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"precision {Ratio(tp, tp + fp):F3} (worst {daily.Min(r => Ratio(r.AnyDay().TruePositives, r.AnyDay().TruePositives + r.AnyDay().FalsePositives)):F3}), recall by the last day {Ratio(tp, clones):F3} (worst {daily.Min(r => Ratio(r.AnyDay().TruePositives, r.Clones)):F3})"));
            sb.AppendLine();
            sb.AppendLine("| behaviour | flagged on some day / IMEIs | of them flagged as of the last day |");
            sb.AppendLine("|---|---|---|");
            foreach (var behaviour in daily.SelectMany(s => s.ByBehaviourAnyDay().Select(b => b.Behaviour)).Distinct().Order(StringComparer.Ordinal))
            {
                int any = 0, total = 0, last = 0;
                foreach (var run in daily)
                {
                    var (_, flagged, count) = run.ByBehaviourAnyDay().Single(b => b.Behaviour == behaviour);
                    any += flagged;
                    total += count;
                    last += run.Labels.Count(l => BehaviourOf(l) == behaviour && run.Flagged.Contains(l.Imei)); // a subset of the IMEIs flagged on some day
                }

                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {behaviour} | {any} / {total} ({(total == 0 ? 0 : (double)any / total):P1}) | {last} |"));
            }
        }

        var times = scores.SelectMany(s => s.TimesToFlag).ToList();
        if (times.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Time to flag (defaults, evaluated as of every day): days from the first copy's first use to the first as-of date it is flagged, by the copy's use rate:");
            sb.AppendLine();
            sb.AppendLine("| clones | copy use | clones | flagged by the last day | median days to flag | flagged within 14 days (copies 15+ days old) |");
            sb.AppendLine("|---|---|---|---|---|---|");
            (string Name, double From, double To)[] bands = [("< 0.4", 0, 0.4), ("0.4-0.6 (about half)", 0.4, 0.6), ("0.6-0.8", 0.6, 0.8), (">= 0.8", 0.8, 1.01)];
            foreach (var behaviour in times.Select(t => t.Behaviour).Distinct().Order(StringComparer.Ordinal))
            {
                foreach (var (name, from, to) in bands)
                {
                    var band = times.Where(t => t.Behaviour == behaviour && t.CopyRate >= from && t.CopyRate < to).ToList();
                    if (band.Count == 0)
                    {
                        continue;
                    }

                    var flaggedTimes = band.Where(t => t.DaysToFlag is not null).Select(t => t.DaysToFlag!.Value).Order().ToList();
                    var old = band.Where(t => t.CopyDays >= 15).ToList();
                    var within = old.Count(t => t.DaysToFlag <= 14);
                    sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {behaviour} | {name} | {band.Count} | {flaggedTimes.Count} ({(double)flaggedTimes.Count / band.Count:P0}) | {(flaggedTimes.Count == 0 ? "-" : flaggedTimes[flaggedTimes.Count / 2].ToString(CultureInfo.InvariantCulture))} | {within} / {old.Count} ({(old.Count == 0 ? 0 : (double)within / old.Count):P0}) |"));
                }
            }
        }

        var half = times.Where(t => t.CopyRate is >= 0.4 and < 0.6 && t.CopyDays >= 15).ToList();
        if (half.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Copies used on about half their days (0.4-0.6, 15+ days old), by the genuine owner's use rate:");
            sb.AppendLine();
            sb.AppendLine("| owner use | clones | flagged within 14 days | within 21 days | median days to flag |");
            sb.AppendLine("|---|---|---|---|---|");
            (string Name, double From, double To)[] owners = [("< 0.6", 0, 0.6), ("0.6-0.8", 0.6, 0.8), ("0.8-0.9", 0.8, 0.9), (">= 0.9", 0.9, 1.01)];
            foreach (var (name, from, to) in owners)
            {
                var band = half.Where(t => t.OwnerRate >= from && t.OwnerRate < to).ToList();
                if (band.Count == 0)
                {
                    continue;
                }

                var flaggedTimes = band.Where(t => t.DaysToFlag is not null).Select(t => t.DaysToFlag!.Value).Order().ToList();
                int within14 = band.Count(t => t.DaysToFlag <= 14), within21 = band.Count(t => t.DaysToFlag <= 21);
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {band.Count} | {within14} ({(double)within14 / band.Count:P0}) | {within21} ({(double)within21 / band.Count:P0}) | {(flaggedTimes.Count == 0 ? "-" : flaggedTimes[flaggedTimes.Count / 2].ToString(CultureInfo.InvariantCulture))} |"));
            }
        }

        var pairs = scores.SelectMany(s => s.MissedPairs).ToList();
        var missed = pairs.GroupBy(p => p.Verdict).Select(g => (g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ToList();
        if (missed.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Missed two-user clones (defaults), by the step of the independent-use test their pair fails: " +
                string.Join(", ", missed.Select(m => $"{m.Key} {m.Count}")));
            sb.AppendLine();
            sb.AppendLine("The same, by the copy's age at the last day (days from the newer SIM's first day seen):");
            sb.AppendLine();
            sb.AppendLine("| step | " + string.Join(" | ", AgeBands.Select(b => b.Label)) + " | all |");
            sb.AppendLine("|---|" + string.Concat(AgeBands.Select(_ => "---:|")) + "---:|");
            foreach (var (verdict, count) in missed)
            {
                sb.Append("| ").Append(verdict);
                foreach (var band in AgeBands)
                {
                    sb.Append(" | ").Append(pairs.Count(p => p.Verdict == verdict && p.CopyAgeDays is { } age && age >= band.From && age <= band.To));
                }

                sb.Append(" | ").Append(count).AppendLine(" |");
            }
        }

        var together = scores.Where(s => s.DaysTogether.Count > 0).ToList();
        if (together.Count > 0)
        {
            // the data's own evidence, whatever the rule: a clone whose SIMs were together on as few days as most honest
            // multi-SIM IMEIs' were cannot be told from them by days alone
            sb.AppendLine();
            sb.AppendLine("What the days carry, whatever the rule: IMEIs with two SIMs or more, by the most days any two of their SIMs were both " +
                "seen (all the data, as of the last day); flagged by the defaults as of the last day / IMEIs:");
            sb.AppendLine();
            sb.AppendLine("| behaviour | " + string.Join(" | ", TogetherBands.Select(b => b.Label)) + " |");
            sb.AppendLine("|---|" + string.Concat(TogetherBands.Select(_ => "---:|")));
            var rows = together.SelectMany(run => run.Labels
                    .Where(l => run.DaysTogether.ContainsKey(l.Imei))
                    .Select(l => (Behaviour: BehaviourOf(l), Days: run.DaysTogether[l.Imei], Flagged: run.Flagged.Contains(l.Imei))))
                .ToList();
            foreach (var group in rows.GroupBy(r => r.Behaviour).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                sb.Append("| ").Append(group.Key);
                foreach (var (_, from, to) in TogetherBands)
                {
                    var band = group.Where(r => r.Days >= from && r.Days <= to).ToList();
                    sb.Append(string.Create(CultureInfo.InvariantCulture, $" | {band.Count(r => r.Flagged)} / {band.Count}"));
                }

                sb.AppendLine(" |");
            }
        }

        sb.AppendLine();
        sb.AppendLine("Per setting (pooled over seeds):");
        sb.AppendLine();
        sb.AppendLine("| setting | " + string.Join(" | ", sets.Select(s => $"{s} P / R")) + (daily.Count > 0 ? " | defaults, every day: P / R by the last day" : "") + " |");
        sb.AppendLine("|---|" + string.Concat(sets.Select(_ => "---|")) + (daily.Count > 0 ? "---|" : ""));
        foreach (var group in scores.GroupBy(s => s.Setting.Label))
        {
            sb.Append("| ").Append(group.Key);
            foreach (var set in sets)
            {
                var runs = group.Where(s => s.RuleSet == set).ToList();
                int tp = runs.Sum(r => r.TruePositives), fp = runs.Sum(r => r.FalsePositives), clones = runs.Sum(r => r.Clones);
                sb.Append(string.Create(CultureInfo.InvariantCulture, $" | {(tp + fp == 0 ? 1 : (double)tp / (tp + fp)):F3} / {(clones == 0 ? 1 : (double)tp / clones):F3}"));
            }

            if (daily.Count > 0)
            {
                var runs = group.Where(s => s.FlaggedAnyDay is not null).ToList();
                int tp = runs.Sum(r => r.AnyDay().TruePositives), fp = runs.Sum(r => r.AnyDay().FalsePositives), clones = runs.Sum(r => r.Clones);
                sb.Append(string.Create(CultureInfo.InvariantCulture, $" | {Ratio(tp, tp + fp):F3} / {Ratio(tp, clones):F3}"));
            }

            sb.AppendLine(" |");
        }

        return sb.ToString();
    }
}
