using DeviceRegistry.Eir;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Readiness of attach checks ("eir-index"): unhealthy until the index is loaded; degraded while the
/// database cannot be read (checks are answered from memory), check sightings cannot be written, or checks are
/// being refused 503 for overload (<see cref="EirAdmission"/>).
/// </summary>
public sealed class EirIndexHealthCheck(EirIndex index, EirIndexService indexService, SightingBatchWriter sightings, EirAdmission admission, EirSettings settings) : IHealthCheck
{
    public const string Name = "eir-index";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["imeis"] = index.Count,
            ["tableBytes"] = index.TableBytes,
            ["clones"] = index.CloneCount,
            ["changesApplied"] = indexService.ChangesApplied,
            ["sightingsPending"] = sightings.Pending,
            ["sightingsWritten"] = sightings.Written,
            ["sightingsDropped"] = sightings.Dropped,
            ["shedSightingQueue"] = admission.ShedBySightingQueue,
            ["shedThreadPool"] = admission.ShedByThreadPool,
            ["shedOperatorRate"] = admission.ShedByOperatorRate,
            ["shedNotQueued"] = admission.NotQueued,
            ["threadPoolDelayMilliseconds"] = Math.Round(admission.ThreadPoolDelayMilliseconds, 1),
            ["threadPoolPendingWorkItems"] = ThreadPool.PendingWorkItemCount,
            ["threadPoolThreads"] = ThreadPool.ThreadCount,
        };
        if (indexService.LastSuccessAt is { } at)
        {
            data["lastDatabaseRead"] = at;
        }

        if (!index.IsLoaded)
        {
            var why = indexService.LastError is { } error ? $"; the database cannot be read: {error}" : string.Empty;
            return Task.FromResult(HealthCheckResult.Unhealthy("The EIR index is not loaded yet" + why, data: data));
        }

        var problems = new List<string>(3);
        if (indexService.LastError is { } pollError)
        {
            problems.Add($"Answering attach checks from memory: the database cannot be read since {indexService.FailingSince:O} ({pollError}); changes made since then are not seen");
        }

        if (sightings.LastError is { } writeError)
        {
            problems.Add($"Check sightings cannot be written ({writeError}); {sightings.Pending} are held in memory");
        }

        switch (admission.Shedding)
        {
            case EirShedReason.SightingQueue:
                problems.Add($"Shedding load: checks are answered 503 NF_CONGESTION while the sightings queue holds {sightings.Pending} (capacity {settings.SightingBufferCapacity}, refused from {settings.SightingQueueShedMark} until down to {settings.SightingQueueResumeMark})");
                break;
            case EirShedReason.ThreadPool:
                problems.Add($"Shedding load: checks are answered 503 NF_CONGESTION while work waits {admission.ThreadPoolDelayMilliseconds:F0} ms for the thread pool (refused from {settings.ThreadPoolShedDelayMilliseconds} ms until down to {settings.ThreadPoolResumeDelayMilliseconds} ms)");
                break;
        }

        if (problems.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded(string.Join(". ", problems), data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{index.Count} IMEIs in the EIR index", data));
    }
}
