using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Sightings;

/// <summary>The scheduled run of <see cref="ApplySightingsRetention"/>: drops months older than <c>Sightings:RetentionMonths</c>.</summary>
[DisallowConcurrentExecution]
public sealed class SightingsRetentionJob(IServiceScopeFactory scopes, ILogger<SightingsRetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("sightings-retention", "sightings");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ApplySightingsRetention(), cancellationToken);
        if (result.DeletedRows is { } rows)
        {
            logger.LogInformation("Sightings retention: {Deleted} rows of months before {OldestKept} deleted", rows, result.OldestKeptMonth);
        }
        else
        {
            logger.LogInformation("Sightings retention: the partitions of {Months} dropped (months before {OldestKept})",
                result.DroppedMonths.Count == 0 ? "no month" : string.Join(", ", result.DroppedMonths), result.OldestKeptMonth);
        }
        context.Result = result;
    }
}
