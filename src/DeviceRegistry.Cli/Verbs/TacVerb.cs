using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Tacs;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class TacVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "A GSMA TAC database export: pipe-delimited with a header row (TAC, Marketing Name, Manufacturer, Brand Name, Model Name, Device Type, … in any order; other columns are ignored).",
        };
        var maxBadRatio = new Option<double>("--max-bad-ratio")
        {
            Description = "Reject the whole file, loading nothing, when more than this share of its lines is bad.",
            DefaultValueFactory = _ => ImportTacs.DefaultMaxBadRatio,
        };
        var import = new Command("import",
            "Load a GSMA TAC file into the registry: new TACs are added, known ones updated. Bad lines are reported with their line number and reason and written to FILE.rejects.csv; the rest is loaded in one transaction.")
        {
            file,
            maxBadRatio,
        };
        import.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new ImportTacs(parse.GetValue(file)!, parse.GetValue(maxBadRatio)), ct);

            foreach (var reject in result.Rejects)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"line {reject.LineNumber}: {reject.Reason}"));
            }

            if (result.BadRows > result.Rejects.Count)
            {
                await context.Error.WriteLineAsync($"… and {result.BadRows - result.Rejects.Count} more bad lines");
            }

            if (result.RejectsFile is not null)
            {
                await context.Error.WriteLineAsync($"bad lines written to {result.RejectsFile}");
            }

            if (!result.Accepted)
            {
                await context.Error.WriteLineAsync($"devreg: {result.Message}");
                return ExitCodes.Rejected;
            }

            await context.Out.WriteLineAsync(result.Message);
            return ExitCodes.Ok;
        });

        return new Command("tac", "The GSMA TAC database (device brands and models by type allocation code).") { import };
    }
}
