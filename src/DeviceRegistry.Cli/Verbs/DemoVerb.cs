using System.CommandLine;
using System.Globalization;
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
        var command = new Command("demo",
            "Write a realistic labelled attach-log data set: honest patterns (number changes, SIM replacements, resale, family SIM swaps, "
            + "dual-SIM phones, roamers, travellers, dealer phones) and clones of 2 to ~150 users, with labels (imei, pattern, is_clone).")
        {
            output, seed, devices, days, start,
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

            var data = DemoDataGenerator.Generate(parse.GetValue(seed), deviceCount, dayCount, first);
            var (log, labels) = DemoFiles.Write(data, parse.GetValue(output)!);
            var clones = data.Labels.Count(l => l.IsClone);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {data.Rows.Count} attach-log rows for {data.Labels.Count} IMEIs ({clones} clones) from {data.Start:yyyy-MM-dd} to {data.LastDay:yyyy-MM-dd}"));
            await context.Out.WriteLineAsync($"  {log}");
            await context.Out.WriteLineAsync($"  {labels}");
            foreach (var group in data.Labels.GroupBy(l => l.Pattern).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {group.Key}: {group.Count()}"));
            }

            ct.ThrowIfCancellationRequested();
            return ExitCodes.Ok;
        });
        return command;
    }
}
