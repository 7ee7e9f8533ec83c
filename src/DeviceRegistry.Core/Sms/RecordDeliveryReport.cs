using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Sms;

/// <summary>
/// A gateway's delivery report for one message, as Kannel numbers them (<see cref="DeliveryReportTypes"/>): delivered (1)
/// makes a message Delivered, failed (2) or rejected by the SMSC (16) makes it Failed; queued (4) and accepted by the
/// SMSC (8) leave it Sent. A final status is kept (a later report is only recorded as the last one). A report for a
/// message still Pending (the gateway took it, but the registry had not yet marked it) moves it on as well, so it is
/// never sent twice.
/// </summary>
public sealed record RecordDeliveryReport(long MessageId, int ReportType) : IRequest<DeliveryReportOutcome>;

public enum DeliveryReportOutcome
{
    Recorded,

    /// <summary>No outbox has a message with this id.</summary>
    UnknownMessage,

    /// <summary>Not one of 1, 2, 4, 8, 16.</summary>
    UnknownReportType,
}

/// <summary>Kannel's delivery report types (the <c>%d</c> of its dlr-url), which are also its dlr-mask bits.</summary>
public static class DeliveryReportTypes
{
    public const int Delivered = 1;
    public const int Undelivered = 2;
    public const int QueuedAtSmsc = 4;
    public const int AcceptedBySmsc = 8;
    public const int RejectedBySmsc = 16;

    public static bool IsKnown(int type) => type is Delivered or Undelivered or QueuedAtSmsc or AcceptedBySmsc or RejectedBySmsc;
}

internal sealed class RecordDeliveryReportHandler(RegistryDbContext db, RegistryClock clock)
    : IRequestHandler<RecordDeliveryReport, DeliveryReportOutcome>
{
    public async Task<DeliveryReportOutcome> Handle(RecordDeliveryReport request, CancellationToken cancellationToken)
    {
        if (!DeliveryReportTypes.IsKnown(request.ReportType))
        {
            return DeliveryReportOutcome.UnknownReportType;
        }

        if (!SmsMessageIds.TryResolve(request.MessageId, out var outbox, out var rowId))
        {
            return DeliveryReportOutcome.UnknownMessage;
        }

        var now = clock.UtcNow.UtcDateTime;
        var changed = outbox == SmsOutboxKind.AppealMessages
            ? await ApplyAsync<AppealMessage>(rowId, request.ReportType, now, cancellationToken)
            : await ApplyAsync<SmsMessage>(rowId, request.ReportType, now, cancellationToken);
        return changed == 0 ? DeliveryReportOutcome.UnknownMessage : DeliveryReportOutcome.Recorded;
    }

    /// <summary>One statement per report, so a report and the outbox's own marking never overwrite each other.</summary>
    private Task<int> ApplyAsync<T>(long id, int type, DateTime now, CancellationToken ct)
        where T : class, IQueuedSms
    {
        var delivered = type == DeliveryReportTypes.Delivered;
        var failed = type is DeliveryReportTypes.Undelivered or DeliveryReportTypes.RejectedBySmsc;
        var target = delivered ? SmsStatus.Delivered : failed ? SmsStatus.Failed : SmsStatus.Sent;

        // Only a message without a final status (Pending or Sent; never NoRecipient, which was not sent) takes a new one.
        return db.Set<T>().Where(m => m.Id == id && m.Status != SmsStatus.NoRecipient).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, m => m.Status == SmsStatus.Pending || m.Status == SmsStatus.Sent ? target : m.Status)
                .SetProperty(m => m.DeliveredAt, m => delivered && (m.Status == SmsStatus.Pending || m.Status == SmsStatus.Sent) ? now : m.DeliveredAt)
                .SetProperty(m => m.FailedAt, m => failed && (m.Status == SmsStatus.Pending || m.Status == SmsStatus.Sent) ? now : m.FailedAt)
                .SetProperty(m => m.SentAt, m => m.SentAt ?? now)
                .SetProperty(m => m.LastReport, type)
                .SetProperty(m => m.LastReportAt, now),
            ct);
    }
}
