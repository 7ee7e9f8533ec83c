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
        var queued = new Option<bool>("--queued")
        {
            Description = "Evaluate only the IMEIs touched since the last evaluation, as of today, with the configured rules: "
                + "what the web host does every Detection:ContinuousIntervalSeconds (see docs/clone-detection.md).",
        };
        var command = new Command("detect",
            "Run clone detection over the sightings: record clone status with evidence, the allowed IMEI-IMSI pairs and history. "
            + "Verdicts are sticky; running the same as-of date twice changes nothing. Exit 1 when the rules are invalid or the run "
            + "would flag more than CloneDetection:MaxFlaggedShare (default 0.10) of the IMEIs.")
        {
            asOf,
            rules,
            queued,
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

            var fromQueue = parse.GetValue(queued);
            if (fromQueue && (date is not null || parse.GetValue(rules) is not null))
            {
                throw new CliUsageException("--queued evaluates as of today with the configured rules, as the web host does: leave out --as-of and --rules");
            }

            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var o = context.Out;
            DetectClonesResult result;
            if (fromQueue)
            {
                var run = await mediator.Send(new DetectQueuedClones(), ct);
                if (run.Run is null)
                {
                    await o.WriteLineAsync("no IMEI touched since the last evaluation");
                    return ExitCodes.Ok;
                }

                await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"IMEIs touched since the last evaluation: {run.Queued}"));
                result = run.Run;
            }
            else
            {
                result = await mediator.Send(new DetectClones(date, parse.GetValue(rules)), ct);
            }

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
