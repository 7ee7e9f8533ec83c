using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Infrastructure;

/// <summary>One firing of a scheduled job: which job, on which node (the scheduler's instance id), when, and how it ended.</summary>
public sealed class JobRun
{
    public long Id { get; set; }

    public required string JobName { get; set; }

    public required string FireInstanceId { get; set; }

    public required string Node { get; set; }

    /// <summary>The fire time the trigger was scheduled for (UTC); null for a run started by hand.</summary>
    public DateTime? ScheduledFireAt { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime FinishedAt { get; set; }

    public bool Succeeded { get; set; }

    public string? Error { get; set; }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("job_runs");
        builder.HasIndex(x => x.StartedAt);
    }
}

/// <summary>
/// Records every firing of every scheduled job when it ends (one Quartz job listener for all jobs): a row in job_runs,
/// and <see cref="RegistryTelemetry.JobRuns"/> and <see cref="RegistryTelemetry.JobDuration"/> tagged with the job's name
/// and the outcome (succeeded, or failed when the job threw). A failed write is logged, never the job's failure: the run
/// itself is the scheduler's business.
/// </summary>
internal sealed class JobRunRecorder(IServiceScopeFactory scopes, ILogger<JobRunRecorder> logger) : IJobListener
{
    /// <summary>Error texts longer than this are cut (a stack trace belongs in the log, the run list shows the message).</summary>
    private const int MaxErrorLength = 2000;

    public string Name => "job-runs";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken)
    {
        var outcome = new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Outcome, jobException is null ? "succeeded" : "failed");
        var job = new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Job, context.JobDetail.Key.Name);
        RegistryTelemetry.JobRuns.Add(1, job, outcome);
        RegistryTelemetry.JobDuration.Record(context.JobRunTime.TotalSeconds, job, outcome);

        var error = jobException?.GetBaseException().Message;
        var run = new JobRun
        {
            JobName = context.JobDetail.Key.ToString(),
            FireInstanceId = context.FireInstanceId,
            Node = context.Scheduler.SchedulerInstanceId,
            // "Run now" marks its one-off firing (JobRuns.RunByHand): no schedule was due.
            ScheduledFireAt = context.MergedJobDataMap.ContainsKey(JobRuns.RunByHand) ? null : context.ScheduledFireTimeUtc?.UtcDateTime,
            StartedAt = context.FireTimeUtc.UtcDateTime,
            FinishedAt = (context.FireTimeUtc + context.JobRunTime).UtcDateTime,
            Succeeded = jobException is null,
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
        };
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            db.Add(run);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The run of job {Job} ({FireInstanceId}) could not be recorded in job_runs", run.JobName, run.FireInstanceId);
        }
    }
}

/// <summary>The latest job runs, newest first, for <c>devreg jobs</c> and the back office's jobs page.</summary>
public static class JobRuns
{
    /// <summary>The job-data key a firing asked for by hand carries (the back office's "run now"); job_runs records it with no scheduled time.</summary>
    public const string RunByHand = "devreg.run-by-hand";

    public static async Task<IReadOnlyList<JobRun>> LatestAsync(RegistryDbContext db, int limit, string? job, CancellationToken ct)
    {
        var query = db.Set<JobRun>().AsNoTracking();
        if (job is not null)
        {
            query = query.Where(r => r.JobName == job || r.JobName.EndsWith("." + job));
        }

        return await query.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(ct);
    }
}
