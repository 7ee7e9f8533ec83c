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
        logger.LogInformation("Sightings retention: {Deleted} rows of months before {OldestKept} deleted", result.DeletedRows, result.OldestKeptMonth);
        context.Result = result;
    }
}
