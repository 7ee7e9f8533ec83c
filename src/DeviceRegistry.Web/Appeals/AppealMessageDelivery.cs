using DeviceRegistry.Appeals;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Appeals;

/// <summary>
/// Sends decision SMS shortly after the decision rather than with the nightly enforcement: every
/// <c>Appeals:MessageDeliverySeconds</c> it runs <see cref="DeliverAppealMessages"/> when the host has an SMS
/// sender (with none, a round does nothing: the messages stay pending and the enforcement report counts them). A failed
/// round (gateway or database away) is logged and tried again on the next tick; nothing is marked sent unsent.
/// </summary>
internal sealed class AppealMessageDelivery(
    IServiceScopeFactory scopes, IOptions<AppealSettings> settings, TimeProvider clock, ILogger<AppealMessageDelivery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Value.MessageDeliverySeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if (!scope.ServiceProvider.GetServices<ISmsSender>().Any())
                    {
                        continue;
                    }

                    var report = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DeliverAppealMessages(), stoppingToken);
                    if (report.Sent > 0 || report.Failed > 0)
                    {
                        logger.LogInformation("Appeal SMS: {Sent} sent, {Failed} failed, {Pending} pending", report.Sent, report.Failed, report.Pending);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Appeal SMS delivery failed this round; the messages stay pending");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

internal static class AppealMessageDeliveryRegistration
{
    public static IServiceCollection AddAppealMessageDelivery(this IServiceCollection services) =>
        services.AddHostedService<AppealMessageDelivery>();
}
