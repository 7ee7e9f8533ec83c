using DeviceRegistry.Infrastructure;
using Hangfire;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Lists;

/// <summary>
/// The daily scheduled export (<c>Lists:ExportTime</c>, docs/lists.md): the same <see cref="PublishLists"/> as
/// <c>devreg lists export</c>, every operator's lists as of the firing's day, recorded (and written to
/// <c>Lists:ExportDirectory</c> when set), never forced. The calendar is Quartz's; with background jobs on
/// (<c>BackgroundJobs:Enabled</c>, ADR 0004) the firing only enqueues <see cref="ListsExportWork"/>, which Hangfire
/// retries with back-off when it fails (the database away), otherwise the export runs in the firing. A refusal by the
/// change-share check is never retried: it fails (the job run, or the Hangfire job, with its reason) and a person
/// decides whether to force it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ListsExportJob(IServiceScopeFactory scopes, RegistryClock clock, ILogger<ListsExportJob> logger) : IJob
{
    public static readonly JobKey Key = new("lists-export", "lists");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var asOf = clock.Today();
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<BackgroundWork>() is { } work)
        {
            var job = work.EnqueueListsExport(asOf);
            logger.LogInformation("Lists export as of {AsOf} enqueued as background job {Job}", asOf, job);
            context.Result = job;
            return;
        }

        context.Result = await ActivatorUtilities.CreateInstance<ListsExportWork>(scope.ServiceProvider).ExportAsync(asOf, cancellationToken);
    }
}

/// <summary>One scheduled export as of a given day; run by <see cref="ListsExportJob"/> or, enqueued by it, by Hangfire.</summary>
public sealed class ListsExportWork(IMediator mediator, ListsSettings settings, ILogger<ListsExportWork> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<PublishedLists> ExportAsync(DateOnly asOf, CancellationToken cancellationToken)
    {
        try
        {
            var run = await mediator.Send(new PublishLists(settings.ExportDirectory, asOf), cancellationToken);
            logger.LogInformation("Lists export {RunId} as of {AsOf}: {Files} files, {Unrouted} SIM(s) of no listed network left out",
                run.RunId, run.AsOf, run.Files.Count, run.UnroutedSims);
            return run;
        }
        catch (ListsExportRefusedException refused)
        {
            logger.LogError("The scheduled lists export was refused: {Reason}", refused.Message);
            throw;
        }
    }
}
