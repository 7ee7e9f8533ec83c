using Quartz;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// Records every scheduled job's run on <see cref="RegistryTelemetry.JobRuns"/> and <see cref="RegistryTelemetry.JobDuration"/>,
/// tagged with the Quartz job name and the outcome (succeeded, or failed when the job threw): one listener for all jobs.
/// </summary>
internal sealed class JobRunTelemetry : IJobListener
{
    public string Name => nameof(JobRunTelemetry);

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var job = new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Job, context.JobDetail.Key.Name);
        var outcome = new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Outcome, jobException is null ? "succeeded" : "failed");
        RegistryTelemetry.JobRuns.Add(1, job, outcome);
        RegistryTelemetry.JobDuration.Record(context.JobRunTime.TotalSeconds, job, outcome);
        return ValueTask.CompletedTask;
    }
}
