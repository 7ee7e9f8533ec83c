using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Clones;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class DetectVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var asOf = new Option<string?>("--as-of")
        {
            Description = "Evaluate the rules as of this date (YYYY-MM-DD, inclusive); default today (UTC).",
        };
        var rules = new Option<string?>("--rules")
        {
            Description = "A JSON file with a \"Rules\" array to use instead of CloneDetection:Rules (see docs/clone-detection.md).",
        };
        var command = new Command("detect",
            "Run clone detection over the sightings: record clone status with evidence, the allowed IMEI-IMSI pairs and history. "
            + "Verdicts are sticky; running the same as-of date twice changes nothing. Exit 1 when the rules are invalid or the run "
            + "would flag more than CloneDetection:MaxFlaggedShare (default 0.10) of the IMEIs.")
        {
            asOf,
            rules,
        };
        command.SetAction(async (parse, ct) =>
        {
            DateOnly? date = null;
            var text = parse.GetValue(asOf);
            if (text is not null)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    throw new CliUsageException($"--as-of '{text}' is not a date as YYYY-MM-DD");
                }

                date = parsed;
            }

            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DetectClones(date, parse.GetValue(rules)), ct);
            var o = context.Out;
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"clone detection as of {result.AsOf:yyyy-MM-dd} over sightings from {result.RangeStart:yyyy-MM-dd}: {result.RowsRead} rows, {result.ImeisEvaluated} IMEIs evaluated, {result.AlreadyClones} already clones (sticky)"));
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"new clones: {result.NewClones}; allowed pairs added: {result.AllowedPairsAdded}; took {result.Elapsed.TotalSeconds:F2} s"));
            foreach (var (rule, count) in result.NewClonesByRule.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {rule}: {count}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
