using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Lists;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class ListsVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("lists", "The lists for operators in DIRBS's formats (docs/lists.md).");
        var outDir = new Option<string>("--out") { Description = "The directory to write the files into (created if missing).", Required = true };
        var op = new Option<string?>("--operator") { Description = "Only this operator's exceptions and notifications (the blacklist is always written)." };
        var asOf = new Option<string?>("--as-of") { Description = "The day the lists are for, YYYY-MM-DD (default today): which windows are over or open." };
        var force = new Option<bool>("--force") { Description = "Write even when a list would change by more than Lists:MaxChangeShare of its rows." };
        var export = new Command("export",
            "Write blacklist.csv and, per operator, exceptions_<operator>.csv and notifications_<operator>.csv, with *_delta.csv against the previous export; recorded. Refused (exit 1, nothing written) when a list would change too much, unless --force.")
        {
            outDir, op, asOf, force,
        };
        export.SetAction(async (parse, ct) =>
        {
            DateOnly? day = null;
            if (parse.GetValue(asOf) is { } text)
            {
                day = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d
                    : throw new CliUsageException($"lists export: --as-of must be a date YYYY-MM-DD, not '{text}'.");
            }

            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var directory = parse.GetValue(outDir)!;
            var run = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                new PublishLists(directory, day, parse.GetValue(op), parse.GetValue(force)), ct);
            await context.Out.WriteLineAsync($"export {run.RunId}: lists as of {run.AsOf:yyyy-MM-dd} written to {directory}:");
            foreach (var file in run.Files)
            {
                await context.Out.WriteLineAsync($"  {file.Name}: {file.Rows} rows, sha256 {file.Sha256}");
            }

            if (run.UnroutedSims > 0)
            {
                await context.Out.WriteLineAsync($"  {run.UnroutedSims} SIM(s) of no network in Registry:Networks left out");
            }

            return ExitCodes.Ok;
        });
        command.Subcommands.Add(export);
        return command;
    }
}
