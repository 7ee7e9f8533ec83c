using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Lists;

/// <summary>
/// The daily scheduled export (<c>Lists:ExportTime</c>, docs/lists.md): the same <see cref="PublishLists"/> as
/// <c>devreg lists export</c>, every operator's lists as of today, recorded (and written to <c>Lists:ExportDirectory</c>
/// when set), never forced. A refusal by the change-share check fails the run with its reason (job_runs, the jobs
/// page); a person decides whether to force it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ListsExportJob(IServiceScopeFactory scopes, ListsSettings settings, ILogger<ListsExportJob> logger) : IJob
{
    public static readonly JobKey Key = new("lists-export", "lists");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var run = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new PublishLists(settings.ExportDirectory), cancellationToken);
            logger.LogInformation("Lists export {RunId} as of {AsOf}: {Files} files, {Unrouted} SIM(s) of no listed network left out",
                run.RunId, run.AsOf, run.Files.Count, run.UnroutedSims);
            context.Result = run;
        }
        catch (ListsExportRefusedException refused)
        {
            logger.LogError("The scheduled lists export was refused: {Reason}", refused.Message);
            throw;
        }
    }
}
