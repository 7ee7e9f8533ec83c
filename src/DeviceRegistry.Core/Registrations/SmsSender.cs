using System.Globalization;
using System.Text;

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
