using System.Globalization;
using System.Text;
using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>An SMS on its way out. <see cref="MessageId"/> is stable across retries so a gateway can drop a repeat.</summary>
public sealed record OutgoingSms(long MessageId, string Msisdn, string Body);

/// <summary>
/// Delivers SMS messages (an operator's SMSC, an SMS gateway). Returning means the gateway accepted the
/// message; throwing leaves it queued for the next run. With no sender registered, nothing is marked sent.
/// </summary>
public interface ISmsSender
{
    Task SendAsync(OutgoingSms message, CancellationToken ct);
}

/// <summary>A row of an SMS outbox table (registration warnings, appeal decisions): what delivery reads and marks.</summary>
public interface IQueuedSms
{
    long Id { get; }

    string Msisdn { get; }

    string Body { get; }

    SmsStatus Status { get; set; }

    int Attempts { get; set; }

    string? LastError { get; set; }

    DateTime? SentAt { get; set; }

    /// <summary>When the gateway reported the message delivered to the phone (status Delivered).</summary>
    DateTime? DeliveredAt { get; set; }

    /// <summary>When the gateway reported that the message could not be delivered (status Failed).</summary>
    DateTime? FailedAt { get; set; }

    /// <summary>The last delivery report's type as the gateway numbers it (Kannel: 1, 2, 4, 8, 16), and when it came.</summary>
    int? LastReport { get; set; }

    DateTime? LastReportAt { get; set; }
}

/// <summary>
/// Delivery of an outbox table, the same for every kind of message: pending rows in id order, in batches;
/// each sent and marked sent at once, one by one. A message whose send failed stays pending with its error
/// for the next run; the message id goes with it so a gateway can drop the one repeat a crash between sending
/// and marking could cause.
/// </summary>
public static class SmsOutbox
{
    private const int MaxErrorLength = 500;

    /// <param name="messageIdBase">Added to the row id for <see cref="OutgoingSms.MessageId"/>, so ids of different outboxes never meet.</param>
    /// <param name="onItem">Called before each message is sent (progress reporting).</param>
    public static async Task<(int Sent, int Failed)> DeliverPendingAsync<T>(
        RegistryDbContext db, ISmsSender sender, int batchSize, long messageIdBase, Func<DateTime> utcNow, CancellationToken ct,
        Action<T>? onItem = null)
        where T : class, IQueuedSms
    {
        int sent = 0, failed = 0;
        var after = long.MinValue;
        while (true)
        {
            var batch = await db.Set<T>().AsNoTracking()
                .Where(m => m.Status == SmsStatus.Pending && m.Id > after)
                .OrderBy(m => m.Id).Take(batchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return (sent, failed);
            }

            foreach (var message in batch)
            {
                ct.ThrowIfCancellationRequested();
                onItem?.Invoke(message);
                var id = message.Id;
                var attempts = message.Attempts + 1;
                string? error = null;
                try
                {
                    await sender.SendAsync(new OutgoingSms(messageIdBase + id, message.Msisdn, message.Body), ct);
                    sent++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    error = ex.Message.Length > MaxErrorLength ? ex.Message[..MaxErrorLength] : ex.Message;
                    failed++;
                }

                // Marked whatever the caller's token says: a message the gateway took must not be sent again. One statement
                // that moves only a still-pending message to Sent: a delivery report may already have arrived and said more.
                var now = utcNow();
                var row = db.Set<T>().Where(m => m.Id == id);
                _ = error is null
                    ? await row.ExecuteUpdateAsync(
                        s => s.SetProperty(m => m.Status, m => m.Status == SmsStatus.Pending ? SmsStatus.Sent : m.Status)
                            .SetProperty(m => m.SentAt, m => m.SentAt ?? now)
                            .SetProperty(m => m.Attempts, attempts)
                            .SetProperty(m => m.LastError, (string?)null),
                        CancellationToken.None)
                    : await row.ExecuteUpdateAsync(
                        s => s.SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, error),
                        CancellationToken.None);
            }

            after = batch[^1].Id;
        }
    }
}

/// <summary>Appends each message as one line (id, number, text) to a file, for demos and manual checks.</summary>
public sealed class FileSmsSender(string path) : ISmsSender
{
    public async Task SendAsync(OutgoingSms message, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var line = string.Create(CultureInfo.InvariantCulture,
            $"{message.MessageId}\t{message.Msisdn}\t{message.Body.Replace('\n', ' ')}{Environment.NewLine}");
        await File.AppendAllTextAsync(path, line, Encoding.UTF8, ct);
    }
}

/// <summary>
/// Delivery of the registration warnings' outbox (sms_outbox), the same from the enforcement run and from the
/// background delivery job: batches of <see cref="RegistrationSettings.EnforcementBatchSize"/>, the outbox's message ids.
/// </summary>
public static class RegistrationWarnings
{
    public static Task<(int Sent, int Failed)> DeliverAsync(
        RegistryDbContext db, ISmsSender sender, RegistrationSettings settings, Infrastructure.RegistryClock clock, CancellationToken ct,
        Action<SmsMessage>? onItem = null) =>
        SmsOutbox.DeliverPendingAsync(db, sender, settings.EnforcementBatchSize, Sms.SmsMessageIds.RegistrationWarnings, () => clock.UtcNow.UtcDateTime, ct, onItem);
}

/// <summary>The warning texts, in Azerbaijani, English and Russian, in one message.</summary>
public static class WarningTexts
{
    public static string Compose(string imei, int day, int windowDays, DateOnly deadline)
    {
        var date = deadline.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
        var lastDay = day >= windowDays;
        var az = lastDay
            ? $"IMEI {imei}: qeydiyyat üçün son gün bu gündür ({date}). Qeydiyyatdan keçirilməyən cihaz sabahdan şəbəkədə bloklanacaq."
            : $"IMEI {imei}: cihazınızı {date} tarixinədək qeydiyyatdan keçirin və dövlət rüsumunu ödəyin, əks halda şəbəkədə bloklanacaq.";
        var en = lastDay
            ? $"IMEI {imei}: today ({date}) is the last day to register this device. Unregistered, it will be blocked from tomorrow."
            : $"IMEI {imei}: register this device and pay the state duty by {date}, or it will be blocked on the network.";
        var ru = lastDay
            ? $"IMEI {imei}: сегодня ({date}) последний день регистрации устройства. Без регистрации оно будет заблокировано с завтрашнего дня."
            : $"IMEI {imei}: зарегистрируйте устройство и оплатите госпошлину до {date}, иначе оно будет заблокировано в сети.";
        return $"{az}\n{en}\n{ru}";
    }
}
