using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Sightings;

/// <summary>The scheduled run of <see cref="RollUpSightings"/> (<c>Sightings:RollUpCron</c>); with nothing pending it reads one empty table.</summary>
[DisallowConcurrentExecution]
public sealed class SightingsRollUpJob(IServiceScopeFactory scopes, ILogger<SightingsRollUpJob> logger) : IJob
{
    public static readonly JobKey Key = new("sightings-roll-up", "sightings");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RollUpSightings(), cancellationToken);
        if (result.PendingRows > 0)
        {
            logger.LogInformation("Sightings roll-up: {Rows} pending sightings folded ({New} new, {Merged} merged; {NewImeis} new IMEIs, {Windows} window starts) in {Seconds:0.0} s",
                result.PendingRows, result.Counts.NewSightings, result.Counts.ChangedSightings, result.Counts.NewImeis, result.Counts.WindowStarts,
                result.Elapsed.TotalSeconds);
        }

        context.Result = result;
    }
}
