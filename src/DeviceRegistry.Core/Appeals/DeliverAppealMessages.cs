using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// Sends the pending decision SMS (appeal_messages) through the registered <see cref="ISmsSender"/> and marks
/// each sent as soon as the sender accepted it. With no sender registered nothing is marked sent: the
/// messages stay pending. Run by <c>devreg enforce</c>, the daily enforcement job and the web host's delivery loop.
/// </summary>
public sealed record DeliverAppealMessages(int BatchSize = 200) : IRequest<AppealDeliveryReport>;

public sealed record AppealDeliveryReport(int Sent, int Failed, int Pending, bool SenderConfigured);

internal sealed class DeliverAppealMessagesHandler(RegistryDbContext db, IEnumerable<ISmsSender> senders, RegistryClock clock)
    : IRequestHandler<DeliverAppealMessages, AppealDeliveryReport>
{
    public async Task<AppealDeliveryReport> Handle(DeliverAppealMessages request, CancellationToken cancellationToken)
    {
        var sender = senders.LastOrDefault();
        var (sent, failed) = sender is null
            ? (0, 0)
            : await SmsOutbox.DeliverPendingAsync<AppealMessage>(
                db, sender, request.BatchSize, Sms.SmsMessageIds.AppealMessages, () => clock.UtcNow.UtcDateTime, cancellationToken);

        var pending = await db.Set<AppealMessage>().CountAsync(m => m.Status == SmsStatus.Pending, cancellationToken);
        return new AppealDeliveryReport(sent, failed, pending, sender is not null);
    }
}
