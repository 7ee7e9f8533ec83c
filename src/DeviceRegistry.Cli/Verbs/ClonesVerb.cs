using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DeviceRegistry.Clones;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class ClonesVerb : ICliVerb
{
    private static readonly string[] Columns =
    [
        "imei", "status", "since", "rule", "distinct_imsis", "days_seen", "overlap_days", "overlap_share", "concurrent_days",
        "max_daily_imsis", "first_seen", "last_seen", "genuine_imsi", "allowed_imsis", "as_of",
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public Command Build(CliContext context)
    {
        var format = new Option<string>("--format")
        {
            Description = "csv (default; first column imei, the 14-digit key) or json.",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "json");
        var command = new Command("clones", "List the IMEIs with clone status and the evidence they were given on.") { format };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var clones = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ListClones(), ct);
            if (parse.GetValue(format) == "json")
            {
                await WriteJsonAsync(context.Out, clones);
            }
            else
            {
                await WriteCsvAsync(context.Out, clones);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WriteCsvAsync(TextWriter o, IReadOnlyList<CloneListItem> clones)
    {
        await o.WriteLineAsync(string.Join(',', Columns));
        foreach (var c in clones)
        {
            await o.WriteLineAsync(string.Join(',',
                Key(c.Imei), c.Status, Date(c.Since), CsvText.Field(c.Rule), Int(c.DistinctImsis), Int(c.DaysSeen), Int(c.OverlapDays),
                c.OverlapShare.ToString("0.####", CultureInfo.InvariantCulture), Int(c.ConcurrentDays), Int(c.MaxDailyImsis),
                Date(c.FirstSeen), Date(c.LastSeen), c.GenuineImsi ?? "", Int(c.AllowedImsis), Date(c.AsOf)));
        }
    }

    private static async Task WriteJsonAsync(TextWriter o, IReadOnlyList<CloneListItem> clones)
    {
        var items = clones.Select(c => new
        {
            imei = Key(c.Imei),
            status = c.Status,
            since = Date(c.Since),
            rule = c.Rule,
            distinctImsis = c.DistinctImsis,
            daysSeen = c.DaysSeen,
            overlapDays = c.OverlapDays,
            overlapShare = c.OverlapShare,
            concurrentDays = c.ConcurrentDays,
            maxDailyImsis = c.MaxDailyImsis,
            firstSeen = Date(c.FirstSeen),
            lastSeen = Date(c.LastSeen),
            genuineImsi = c.GenuineImsi,
            allowedImsis = c.AllowedImsis,
            asOf = Date(c.AsOf),
        });
        await o.WriteLineAsync(JsonSerializer.Serialize(items, Indented));
    }

    private static string Key(long imei) => imei.ToString("D14", CultureInfo.InvariantCulture);

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

}
