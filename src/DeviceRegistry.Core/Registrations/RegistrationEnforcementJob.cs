using DeviceRegistry.Infrastructure;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Registrations;

/// <summary>The daily run of <see cref="EnforceRegistrationWindow"/> on Quartz (one at a time across the cluster).</summary>
[DisallowConcurrentExecution]
public sealed class RegistrationEnforcementJob(IServiceScopeFactory scopes, ILogger<RegistrationEnforcementJob> logger) : IJob
{
    public static readonly JobKey Key = new("registration-enforcement", "registrations");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        // With Hangfire the SMS go out in its delivery job, retried with back-off; without it, here.
        var work = scope.ServiceProvider.GetService<BackgroundWork>();
        var report = await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new EnforceRegistrationWindow { DeliverSms = work is null }, cancellationToken);
        logger.LogInformation(
            "Registration enforcement as of {AsOf}: {Blocked} blocked, {Lifted} lifted, {Queued} warnings queued, {Sent} SMS sent, {Failed} failed",
            report.AsOf, report.Blocked, report.BlocksLifted, report.WarningsQueued, report.SmsSent, report.SmsFailed);
        context.Result = report;
        if (work is not null)
        {
            logger.LogInformation("SMS delivery enqueued as background job {Job}", work.EnqueueSmsDelivery());
            return;
        }

        var appeals = await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new DeviceRegistry.Appeals.DeliverAppealMessages(), cancellationToken);
        logger.LogInformation("Appeal decision SMS: {Sent} sent, {Failed} failed, {Pending} pending", appeals.Sent, appeals.Failed, appeals.Pending);
    }
}
