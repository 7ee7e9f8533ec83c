using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Sightings;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class IngestVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var files = new Argument<string[]>("FILE")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "Attach-log CSV files: a header naming timestamp or date, imei, imsi, and optionally msisdn, operator, rat (DIRBS files date,imei,imsi,msisdn[,rat] as they are).",
        };
        var operatorOption = new Option<string?>("--operator")
        {
            Description = "The operator for rows without an operator column value (created if unknown).",
        };
        var ratioOption = new Option<double>("--max-bad-ratio")
        {
            Description = "The share of bad rows above which a file is rejected whole (0 to 1).",
            DefaultValueFactory = _ => IngestFile.DefaultMaxBadRatio,
        };
        var command = new Command("ingest",
            "Load attach-log files into the sightings store. Each file loads in one transaction: a file with more bad rows " +
            "than --max-bad-ratio is rejected whole and nothing of it is applied. Bad rows are written to FILE.rejects.csv " +
            "with their line number and reason. Loading the same data twice changes nothing. Timestamps count on their local date in " +
            "the registry's time zone, Registry:TimeZone (default Asia/Baku); dates after today there are bad rows. Exit code 1 when any file was rejected or missing.")
        {
            files,
            operatorOption,
            ratioOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ratio = parse.GetValue(ratioOption);
            if (double.IsNaN(ratio) || ratio is < 0 or > 1)
            {
                await context.Error.WriteLineAsync(
                    $"devreg: --max-bad-ratio is {ratio.ToString(CultureInfo.InvariantCulture)}; it must be from 0 to 1 (e.g. 0.05 for 5%).");
                return ExitCodes.Usage;
            }

            var operatorName = parse.GetValue(operatorOption);
            if (operatorName is not null && operatorName.Trim().Length is 0 or > IngestFile.MaxOperatorNameLength)
            {
                await context.Error.WriteLineAsync($"devreg: --operator must be a name of 1 to {IngestFile.MaxOperatorNameLength} characters.");
                return ExitCodes.Usage;
            }

            await using var services = context.BuildServices();
            var interactive = ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            int accepted = 0, failed = 0;
            foreach (var file in parse.GetValue(files) ?? [])
            {
                await using var scope = services.CreateAsyncScope();
                var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
                var request = new IngestFile(file, operatorName, ratio);
                var result = interactive
                    ? await WithProgressBarAsync(file, progress => mediator.Send(request with { Progress = progress }, ct))
                    : await mediator.Send(request, ct);
                if (result.Outcome == IngestOutcome.Accepted)
                {
                    accepted++;
                    await context.Out.WriteLineAsync(Summary(result));
                }
                else
                {
                    failed++;
                    await context.Error.WriteLineAsync($"devreg: {result.Message}");
                    if (result.Outcome == IngestOutcome.Rejected)
                    {
                        await context.Out.WriteLineAsync(Summary(result));
                    }
                }
            }

            if (accepted + failed > 1)
            {
                await context.Out.WriteLineAsync($"{accepted + failed} files: {accepted} accepted, {failed} rejected or missing");
            }

            return failed > 0 ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }

    private static string Summary(IngestFileResult r)
    {
        var c = r.Counts;
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{r.Path}: {(r.Outcome == IngestOutcome.Accepted ? "accepted" : "REJECTED")}: {r.Rows:N0} rows, {r.AcceptedRows:N0} loaded, {r.BadRows:N0} bad"),
        };
        if (r.Outcome == IngestOutcome.Accepted && c.PendingSightings > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  sightings (IMEI-IMSI-operator-month): {c.PendingSightings:N0} appended, merged into the store at the roll-up (Sightings:DeferMerge; devreg roll-up or Sightings:RollUpCron)"));
        }
        else if (r.Outcome == IngestOutcome.Accepted)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  sightings (IMEI-IMSI-operator-month): {c.NewSightings:N0} new, {c.ChangedSightings:N0} merged, {c.UnchangedSightings:N0} already known"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  IMEIs: {c.NewImeis:N0} new, {c.ChangedImeis:N0} known IMEIs updated; registration windows started or moved earlier: {c.WindowStarts:N0}"));
        }

        if (r.CreatedOperators.Count > 0)
        {
            lines.Add($"  new operator(s) created: {string.Join(", ", r.CreatedOperators)}");
        }

        if (r.RejectsPath is not null)
        {
            lines.Add($"  bad rows with line numbers and reasons: {r.RejectsPath}");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {r.Elapsed.TotalSeconds:0.00} s, {r.RowsPerSecond:N0} rows/s"));
        return string.Join(Environment.NewLine, lines);
    }

    private static async Task<IngestFileResult> WithProgressBarAsync(string file, Func<IProgress<IngestProgress>, Task<IngestFileResult>> run)
    {
        IngestFileResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Path.GetFileName(file), maxValue: 1);
                result = await run(new BarProgress(task));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value)
        {
            task.MaxValue = Math.Max(1, value.TotalBytes);
            task.Value = value.BytesRead;
        }
    }
}
