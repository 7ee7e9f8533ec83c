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
        var export = new Command("export", "Write blacklist.csv and, per operator, exceptions_<operator>.csv and notifications_<operator>.csv.")
        {
            outDir, op, asOf,
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
            var lists = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ExportLists(day, parse.GetValue(op)), ct);
            var files = ListFiles.Render(lists);
            var directory = parse.GetValue(outDir)!;
            await ListFiles.WriteAsync(directory, files, ct);
            await context.Out.WriteLineAsync($"lists as of {lists.AsOf:yyyy-MM-dd} written to {directory}:");
            foreach (var (name, content) in files)
            {
                await context.Out.WriteLineAsync($"  {name}: {content.Count(c => c == '\n') - 1} rows");
            }

            if (lists.UnroutedSims > 0)
            {
                await context.Out.WriteLineAsync($"  {lists.UnroutedSims} SIM(s) of no network in Lists:Networks left out");
            }

            return ExitCodes.Ok;
        });
        command.Subcommands.Add(export);
        return command;
    }
}
