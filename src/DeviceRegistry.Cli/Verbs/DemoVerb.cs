using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Cli.Sweep;
using DeviceRegistry.Clones;
using DeviceRegistry.Demo;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class DemoVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var output = new Option<string>("--out")
        {
            Description = "The folder to write attach-log.csv and labels.csv into (created if missing).",
            Required = true,
        };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same files.", DefaultValueFactory = _ => 42 };
        var devices = new Option<int>("--devices") { Description = "Devices (subscribers' phones) to simulate, 1 to 1000000.", DefaultValueFactory = _ => 5000 };
        var days = new Option<int>("--days") { Description = "Days of attach logs, 28 to 366.", DefaultValueFactory = _ => 120 };
        var start = new Option<string?>("--start") { Description = "The first day (YYYY-MM-DD); default 2026-07-01." };
        var mix = new Option<string>("--mix")
        {
            Description = "classic (the scoring test's mix) or extended (test phones, part-time copies on other operators, owners on 35-99 % of days).",
            DefaultValueFactory = _ => "classic",
        };
        var shape = new Option<string>("--shape")
        {
            Description = "local (timestamps +04:00), utc (timestamps Z) or dirbs (date,imei,imsi,msisdn, one file per operator).",
            DefaultValueFactory = _ => "local",
        };
        var missing = new Option<double>("--missing") { Description = "Share of operator-days whose file is missing, 0 to 0.5." };
        var command = new Command("demo",
            "Write a realistic labelled attach-log data set: honest patterns (number changes, SIM replacements, resale, family SIM swaps, "
            + "dual-SIM phones, roamers, travellers, dealer phones) and clones of 2 to ~150 users, with labels (imei, pattern, is_clone).")
        {
            output, seed, devices, days, start, mix, shape, missing,
        };
        command.SetAction(async (parse, ct) =>
        {
            var deviceCount = parse.GetValue(devices);
            var dayCount = parse.GetValue(days);
            if (deviceCount is < 1 or > 1_000_000)
            {
                throw new CliUsageException($"--devices {deviceCount} is out of range: 1 to 1000000");
            }

            if (dayCount is < 28 or > 366)
            {
                throw new CliUsageException($"--days {dayCount} is out of range: 28 to 366");
            }

            var first = DemoDataGenerator.DefaultStart;
            if (parse.GetValue(start) is { } text
                && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out first))
            {
                throw new CliUsageException($"--start '{text}' is not a date as YYYY-MM-DD");
            }

            var settings = parse.GetValue(mix)!.ToLowerInvariant() switch
            {
                "classic" => DemoSettings.Classic,
                "extended" => DemoSettings.Extended,
                var other => throw new CliUsageException($"--mix '{other}' is not classic or extended"),
            };
            settings = settings with
            {
                Shape = ParseShape(parse.GetValue(shape)!) ?? throw new CliUsageException($"--shape '{parse.GetValue(shape)}' is not local, utc or dirbs"),
                MissingOperatorDays = parse.GetValue(missing),
            };
            if (settings.Validate().ToList() is { Count: > 0 } problems)
            {
                throw new CliUsageException(string.Join("; ", problems));
            }

            var data = DemoDataGenerator.Generate(parse.GetValue(seed), deviceCount, dayCount, first, settings);
            var files = DemoFiles.WriteAll(data, parse.GetValue(output)!);
            var clones = data.Labels.Count(l => l.IsClone);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {data.Rows.Count} attach-log rows for {data.Labels.Count} IMEIs ({clones} clones) from {data.Start:yyyy-MM-dd} to {data.LastDay:yyyy-MM-dd}"));
            foreach (var (log, operatorName) in files.Logs)
            {
                await context.Out.WriteLineAsync(operatorName is null ? $"  {log}" : $"  {log} (devreg ingest --operator {operatorName})");
            }

            await context.Out.WriteLineAsync($"  {files.Labels}");
            foreach (var group in data.Labels.GroupBy(l => l.Pattern).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {group.Key}: {group.Count()}"));
            }

            ct.ThrowIfCancellationRequested();
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(BuildSweep(context));
        return command;
    }

    /// <summary>`devreg demo sweep`: score the default rules and DIRBS's on many generated stores (docs/clone-detection.md).</summary>
    private static Command BuildSweep(CliContext context)
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds per setting (1, 2, ... N), 1 to 100.", DefaultValueFactory = _ => 3 };
        var devices = new Option<int>("--devices") { Description = "Devices per generated store, 100 to 200000.", DefaultValueFactory = _ => 1500 };
        var days = new Option<string>("--days") { Description = "Lengths of the data in days, comma-separated (28 to 366).", DefaultValueFactory = _ => "60,90" };
        var shapes = new Option<string>("--shapes")
        {
            Description = "File shapes, comma-separated: local (timestamps +04:00), utc (timestamps Z), dirbs (date,imei,imsi,msisdn per operator).",
            DefaultValueFactory = _ => "utc,dirbs",
        };
        var missing = new Option<string>("--missing")
        {
            Description = "Shares of operator-days whose file is missing, comma-separated (0 to 0.5).",
            DefaultValueFactory = _ => "0,0.05",
        };
        var ownerUse = new Option<string>("--owner-use") { Description = "Range of subscribers' daily-use rates, MIN-MAX.", DefaultValueFactory = _ => "0.35-0.99" };
        var copyUse = new Option<string>("--copy-use") { Description = "Range of the share of days a copy is used, MIN-MAX.", DefaultValueFactory = _ => "0.30-0.90" };
        var copyMinDays = new Option<int>("--copy-min-days")
        {
            Description = "Copies start at any day up to this many days before the as-of date.",
            DefaultValueFactory = _ => 14,
        };
        var relativesWithPhones = new Option<double>("--relatives-with-phones")
        {
            Description = "The share of relatives whose SIM lives in a phone of their own on their other days (0 to 1); the others' SIMs are seen only in the borrowed phone.",
            DefaultValueFactory = _ => DemoSettings.Extended.RelativesWithPhones,
        };
        var rules = new Option<string?>("--rules") { Description = "A rules file (as for detect) to score beside the defaults and DIRBS's rules." };
        var command = new Command("sweep",
            "Generate labelled data for every setting and seed (extended mix: test phones, dealers, hesitant number changes, part-time copies on other "
            + "operators), load each into a throwaway SQLite store through the ingest, and print precision and recall per behaviour for the default "
            + "rules and DIRBS's, as of the last day; the defaults also as of every day, as continuous detection runs them (a verdict is sticky).")
        {
            seeds, devices, days, shapes, missing, ownerUse, copyUse, copyMinDays, relativesWithPhones, rules,
        };
        command.SetAction(async (parse, ct) =>
        {
            var seedCount = parse.GetValue(seeds);
            var deviceCount = parse.GetValue(devices);
            if (seedCount is < 1 or > 100)
            {
                throw new CliUsageException($"--seeds {seedCount} is out of range: 1 to 100");
            }

            if (deviceCount is < 100 or > 200_000)
            {
                throw new CliUsageException($"--devices {deviceCount} is out of range: 100 to 200000");
            }

            var dayList = List<int>(parse.GetValue(days)!, "--days", t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) && d is >= 28 and <= 366 ? d : (int?)null);
            var shapeList = List(parse.GetValue(shapes)!, "--shapes", ParseShape);
            var missingList = List(parse.GetValue(missing)!, "--missing", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m is >= 0 and <= 0.5 ? m : (double?)null);
            var (ownerMin, ownerMax) = Range(parse.GetValue(ownerUse)!, "--owner-use");
            var (copyMin, copyMax) = Range(parse.GetValue(copyUse)!, "--copy-use");
            var knobs = DemoSettings.Extended with
            {
                OwnerUseMin = ownerMin,
                OwnerUseMax = ownerMax,
                CopyUseMin = copyMin,
                CopyUseMax = copyMax,
                CopyMinDays = parse.GetValue(copyMinDays),
                RelativesWithPhones = parse.GetValue(relativesWithPhones),
            };
            var problems = knobs.Validate().ToList();
            if (problems.Count > 0)
            {
                throw new CliUsageException(string.Join("; ", problems));
            }

            var ruleSets = DemoSweep.RuleSets.ToList();
            if (parse.GetValue(rules) is { } file)
            {
                ruleSets.Add((Path.GetFileNameWithoutExtension(file), CloneRuleParser.FromFile(file)));
            }

            var grid = DemoSweep.Grid(dayList, shapeList, missingList, knobs);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"sweep: {grid.Count} settings x {seedCount} seeds, {deviceCount} devices each"));
            var started = System.Diagnostics.Stopwatch.StartNew();
            var scores = await DemoSweep.RunAsync(grid, Enumerable.Range(1, seedCount).ToList(), deviceCount, ruleSets, context.Out, ct);
            await context.Out.WriteLineAsync();
            await context.Out.WriteLineAsync(DemoSweep.Report(scores));
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"took {started.Elapsed.TotalSeconds:F0} s"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<T> List<T>(string text, string option, Func<string, T?> parse)
        where T : struct
    {
        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            values.Add(parse(part) ?? throw new CliUsageException($"{option}: '{part}' is not a valid value"));
        }

        return values.Count > 0 ? values : throw new CliUsageException($"{option} needs at least one value");
    }

    private static DemoFileShape? ParseShape(string text) => text.ToLowerInvariant() switch
    {
        "local" => DemoFileShape.LocalTimestamps,
        "utc" => DemoFileShape.UtcTimestamps,
        "dirbs" => DemoFileShape.DirbsDates,
        _ => null,
    };

    private static (double Min, double Max) Range(string text, string option)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max)
            && min <= max)
        {
            return (min, max);
        }

        throw new CliUsageException($"{option} '{text}' is not a range MIN-MAX (e.g. 0.35-0.99)");
    }
}
