using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

/// <summary><c>devreg jobs</c>: the latest scheduled-job runs (job_runs), newest first, with the node that ran each and how it ended.</summary>
internal sealed class JobsVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var limit = new Option<int>("--limit")
        {
            Description = "How many runs to list, newest first (1-10000; default 20).",
            DefaultValueFactory = _ => 20,
        };
        limit.Validators.Add(r =>
        {
            var value = r.GetValue(limit);
            if (value is < 1 or > 10_000)
            {
                r.AddError($"--limit is {value}; it must be from 1 to 10000");
            }
        });
        var job = new Option<string?>("--job") { Description = "Only this job (its name, e.g. clone-detection, or group.name as listed)." };
        var command = new Command("jobs", "List the latest runs of the scheduled jobs: when, which job, on which node, the outcome.") { limit, job };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var zone = scope.ServiceProvider.GetRequiredService<RegistryClock>().Zone;
            var runs = await JobRuns.LatestAsync(db, parse.GetValue(limit), parse.GetValue(job), ct);
            await context.Out.WriteLineAsync("started,job,node,outcome,seconds,scheduled_for,error");
            foreach (var run in runs)
            {
                await context.Out.WriteLineAsync(string.Join(',',
                    Local(run.StartedAt, zone), CsvText.Field(run.JobName), CsvText.Field(run.Node), run.Succeeded ? "succeeded" : "failed",
                    (run.FinishedAt - run.StartedAt).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
                    run.ScheduledFireAt is { } scheduled ? Local(scheduled, zone) : "by hand", CsvText.Field(run.Error ?? "")));
            }

            if (runs.Count == 0)
            {
                await context.Error.WriteLineAsync("no job runs recorded yet (jobs run in the web host, with Jobs:Enabled)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
