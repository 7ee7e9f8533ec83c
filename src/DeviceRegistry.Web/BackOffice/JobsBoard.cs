using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using Quartz;

namespace DeviceRegistry.Web.BackOffice;

/// <summary>One trigger of a job as the jobs page shows it; times already in the registry's zone.</summary>
public sealed record JobTriggerView(
    string Group, string Name, string Type, string? CronExpression, string? CronTimeZone,
    DateTime? PreviousFire, DateTime? NextFire, TriggerState State, TimeSpan? RepeatInterval = null);

/// <summary>One job of the scheduler with its triggers and whether a firing of it is running now.</summary>
public sealed record JobView(string Group, string Name, string? Description, bool ConcurrentExecutionDisallowed, bool Running,
    IReadOnlyList<JobTriggerView> Triggers)
{
    public string Id => Group + "." + Name;
}

/// <summary>A node of the scheduler cluster (PostgreSQL): its name, its last check-in in the registry's zone, its state.</summary>
public sealed record ClusterNodeView(string Name, DateTime? LastCheckIn, ClusterNodeState State, bool IsThisNode);

/// <summary>One recorded run of a job (job_runs), times in the registry's zone; <see cref="ScheduledFor"/> null when run by hand.</summary>
public sealed record JobRunView(DateTime Started, string Job, string Node, bool Succeeded, double Seconds, DateTime? ScheduledFor, string? Error);

/// <summary>
/// What the scheduler of this host looks like: null <see cref="Jobs"/> when no scheduler runs here; <see cref="Nodes"/>
/// empty unless the scheduler is clustered.
/// </summary>
public sealed record JobsOverview(bool SchedulerInHost, SchedulerStatus? Status, string? InstanceId, IReadOnlyList<JobView> Jobs, string TimeZone,
    IReadOnlyList<ClusterNodeView>? Nodes = null);

/// <summary>The outcome of "run now".</summary>
public enum RunNowOutcome
{
    Triggered,
    AlreadyRunning,
    NoSuchJob,
    NoScheduler,
}

/// <summary>
/// The back office's view of this host's Quartz scheduler (/backoffice/jobs): the jobs and triggers it holds,
/// their schedule and state, and "run now" (<see cref="IScheduler.TriggerJob(JobKey, JobDataMap, CancellationToken)"/>),
/// audited as <see cref="AuditActions.JobTriggered"/>. Quartz is the web host's concern (the CLI runs the same
/// requests as verbs), so this lives here rather than in the core. When <c>Jobs:Enabled</c> is false the host
/// registers no scheduler and the factory is null.
/// </summary>
public sealed class JobsBoard(ISchedulerFactory? schedulers, RegistryClock clock)
{
    public bool SchedulerInHost => schedulers is not null;

    public async Task<JobsOverview> ReadAsync(CancellationToken ct)
    {
        var zone = clock.Zone.Id;
        if (schedulers is null)
        {
            return new JobsOverview(false, null, null, [], zone);
        }

        var scheduler = await schedulers.GetScheduler(ct);
        var status = await scheduler.GetStatus(ct);
        var jobs = (await scheduler.QueryJobs(new JobQuery { Take = PagedQuery.All }, ct)).Items;
        var triggers = (await scheduler.QueryTriggers(new TriggerQuery { Take = PagedQuery.All }, ct)).Items;
        var running = await RunningJobsAsync(scheduler, ct);
        var views = new List<JobView>();
        foreach (var job in jobs)
        {
            var mine = new List<JobTriggerView>();
            foreach (var header in triggers.Where(t => t.JobKey.Equals(job.Key)))
            {
                // The cron expression and its zone are on the trigger itself, not in the listing header.
                var trigger = await scheduler.GetTrigger(header.Key, ct);
                var cron = trigger as ICronTrigger;
                var repeat = trigger is ISimpleTrigger { RepeatCount: not 0 } simple ? simple.RepeatInterval : (TimeSpan?)null;
                mine.Add(new JobTriggerView(
                    header.Key.Group, header.Key.Name, header.TriggerType, cron?.CronExpressionString, cron?.TimeZone.Id,
                    Local(header.PreviousFireTimeUtc), Local(header.NextFireTimeUtc), header.State, repeat));
            }

            views.Add(new JobView(job.Key.Group, job.Key.Name, job.Description, job.ConcurrentExecutionDisallowed,
                running.Contains(job.Key) || mine.Any(t => t.State == TriggerState.Blocked), mine));
        }

        var nodes = (await scheduler.GetMetadata(ct)).JobStoreClustered
            ? (await scheduler.QueryClusterNodes(ct)).OrderBy(n => n.InstanceId, StringComparer.Ordinal)
                .Select(n => new ClusterNodeView(n.InstanceId, Local(n.LastCheckInUtc), n.State, n.IsCurrentNode)).ToList()
            : [];
        return new JobsOverview(true, status, scheduler.SchedulerInstanceId, views, zone, nodes);
    }

    /// <summary>The latest recorded runs of every job, on every node, newest first (job_runs, as <c>devreg jobs</c> lists them).</summary>
    public async Task<IReadOnlyList<JobRunView>> RecentRunsAsync(RegistryDbContext db, int count, CancellationToken ct) =>
        (await JobRuns.LatestAsync(db, count, null, ct))
            .Select(r => new JobRunView(Local(Utc(r.StartedAt))!.Value, r.JobName, r.Node, r.Succeeded, (r.FinishedAt - r.StartedAt).TotalSeconds,
                r.ScheduledFireAt is { } at ? Local(Utc(at)) : null, r.Error))
            .ToList();

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>
    /// Fires the job once now, unless it is a one-at-a-time job with a firing running; records who asked in the
    /// audit log (after the scheduler accepted it, so the entry never claims a run that was not asked for).
    /// </summary>
    public async Task<RunNowOutcome> RunNowAsync(string group, string name, StaffActor actor, RegistryDbContext db, CancellationToken ct)
    {
        if (schedulers is null)
        {
            return RunNowOutcome.NoScheduler;
        }

        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey(name, group);
        var job = await scheduler.GetJobDetail(key, ct);
        if (job is null)
        {
            return RunNowOutcome.NoSuchJob;
        }

        if (job.ConcurrentExecutionDisallowed && (await RunningJobsAsync(scheduler, ct)).Contains(key))
        {
            return RunNowOutcome.AlreadyRunning;
        }

        await scheduler.TriggerJob(key, new JobDataMap { [JobRuns.RunByHand] = actor.UserName }, ct);
        AuditLog.Record(db, actor, AuditActions.JobTriggered, "job:" + group + "." + name, clock.UtcNow.UtcDateTime,
            after: new { Job = name, Group = group });
        await db.SaveChangesAsync(ct);
        return RunNowOutcome.Triggered;
    }

    private static async Task<HashSet<JobKey>> RunningJobsAsync(IScheduler scheduler, CancellationToken ct)
    {
        var firings = await scheduler.QueryFireInstances(new FireInstanceQuery { State = FireInstanceState.Executing, Take = PagedQuery.All }, ct);
        return firings.Items.Where(f => f.JobKey is not null).Select(f => f.JobKey!).ToHashSet();
    }

    private DateTime? Local(DateTimeOffset? utc) => utc is { } t ? TimeZoneInfo.ConvertTime(t, clock.Zone).DateTime : null;
}
