using System.Diagnostics;
using DeviceRegistry.Data;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Clones;

/// <summary>
/// Evaluate the IMEIs queued since the last evaluation (<see cref="CloneDetectionQueue"/>, and those with pending
/// sightings when a deferred ingest queued its run, <see cref="Sightings.PendingSightings"/>) with <see cref="DetectClones"/>
/// scoped to them, as of the registry's today, then take off the queue what was evaluated.
/// </summary>
public sealed record DetectQueuedClones : IRequest<DetectQueuedClonesResult>;

/// <param name="Queued">IMEIs read off the queue (0: nothing was touched, nothing was run).</param>
/// <param name="Run">The scoped detection run, null when the queue was empty.</param>
public sealed record DetectQueuedClonesResult(int Queued, DetectClonesResult? Run)
{
    public override string ToString() => Run is null
        ? "nothing touched"
        : $"{Queued} IMEIs touched, {Run.ImeisEvaluated} evaluated, {Run.NewClones} new clones as of {Run.AsOf:yyyy-MM-dd}";
}

/// <summary>
/// A refused run (the safety check) or a failure leaves the queue as it was, so the next run tries the same IMEIs
/// again; a crash between the verdicts and the dequeue re-evaluates IMEIs whose verdicts are already sticky.
/// </summary>
internal sealed class DetectQueuedClonesHandler(RegistryDatabase database, IMediator sender) : IRequestHandler<DetectQueuedClones, DetectQueuedClonesResult>
{
    public async Task<DetectQueuedClonesResult> Handle(DetectQueuedClones request, CancellationToken cancellationToken)
    {
        var queued = await CloneDetectionQueue.ReadAsync(database, cancellationToken);
        // Deferred ingests queue their run, not each IMEI: their IMEIs are those with pending sightings.
        List<long> runs, pending = [];
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            runs = await Sightings.PendingSightings.QueuedRunsAsync(connection, null, cancellationToken);
            if (runs.Count > 0)
            {
                pending = await Sightings.PendingSightings.ImeisAsync(connection, cancellationToken);
            }
        }

        if (queued.Count == 0 && runs.Count == 0)
        {
            return new DetectQueuedClonesResult(0, null);
        }

        var imeis = new SortedSet<long>(pending);
        foreach (var entry in queued)
        {
            imeis.Add(entry.Imei);
        }

        var run = await sender.Send(new DetectClones(Imeis: [.. imeis]), cancellationToken);
        await CloneDetectionQueue.RemoveAsync(database, queued, cancellationToken);
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await Sightings.PendingSightings.RemoveRunsAsync(connection, null, runs, cancellationToken);
        }

        return new DetectQueuedClonesResult(imeis.Count, run);
    }
}

/// <summary>The <c>Detection</c> section: continuous clone detection in the web host (the rules are <c>CloneDetection</c>'s).</summary>
public sealed class DetectionSettings : Infrastructure.ISettingsSection
{
    public const string Section = "Detection";

    public const int MaxIntervalSeconds = 3600;

    /// <summary>Whether the web host evaluates the touched IMEIs every <see cref="ContinuousIntervalSeconds"/>.</summary>
    public bool Continuous { get; set; } = true;

    /// <summary>How often the queue is looked at; a clone loaded by an ingest is flagged within this plus one run.</summary>
    public int ContinuousIntervalSeconds { get; set; } = 60;

    public IEnumerable<string> Validate(string section)
    {
        if (ContinuousIntervalSeconds is < 1 or > MaxIntervalSeconds)
        {
            yield return $"{section}:ContinuousIntervalSeconds is {ContinuousIntervalSeconds}; it must be a whole number of seconds from 1 to {MaxIntervalSeconds} (e.g. 60)";
        }
    }
}

/// <summary>
/// The web host's continuous clone detection (<see cref="DetectQueuedClones"/>), fired every
/// <c>Detection:ContinuousIntervalSeconds</c>. One firing at a time; with <c>Detection:Continuous</c> off the
/// schedule is not set up, and a trigger left in the job store from an earlier start is removed when it fires.
/// "Run now" on the jobs page still runs an evaluation.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ContinuousDetectionJob(IServiceScopeFactory scopes, DetectionSettings settings, ILogger<ContinuousDetectionJob> logger) : IJob
{
    public static readonly JobKey Key = new("clone-detection", "clones");

    public static readonly TriggerKey TriggerKey = new("clone-detection-continuous", "clones");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!settings.Continuous && context.Trigger.Key.Equals(TriggerKey))
        {
            await context.Scheduler.UnscheduleJob(TriggerKey, cancellationToken);
            logger.LogInformation("Continuous clone detection is off ({Section}:Continuous): its schedule was removed", DetectionSettings.Section);
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        await using var scope = scopes.CreateAsyncScope();
        DetectQueuedClonesResult result;
        try
        {
            result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DetectQueuedClones(), cancellationToken);
        }
        catch (CloneSafetyCheckException ex)
        {
            // The IMEIs stay queued: every run is refused until the rules or the setting are fixed.
            logger.LogError("Continuous clone detection refused: {Message}", ex.Message);
            throw new JobExecutionException(ex);
        }

        context.Result = result;
        if (result.Run is { } run)
        {
            logger.LogInformation(
                "Continuous clone detection: {Queued} IMEIs touched, {Evaluated} evaluated, {NewClones} new clones as of {AsOf:yyyy-MM-dd} in {Elapsed} ms",
                result.Queued, run.ImeisEvaluated, run.NewClones, run.AsOf, stopwatch.ElapsedMilliseconds);
        }
        else
        {
            logger.LogDebug("Continuous clone detection: no IMEI touched");
        }
    }
}
