using System.Globalization;
using System.Text;
using DeviceRegistry.Registrations;

namespace DeviceRegistry.Sms;

/// <summary>A gateway that refused a message or did not answer: the message stays pending with this text as its error.</summary>
public sealed class SmsGatewayException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Hands each message to Kannel's smsbox (HTTP GET /cgi-bin/sendsms). Returning means smsbox accepted it (2xx and its
/// "0: Accepted for delivery" or "3: Queued for later delivery"); any other answer, a refused connection or a timeout
/// throws <see cref="SmsGatewayException"/>, so the outbox keeps the message pending. Text goes as UTF-8; a text the
/// GSM 7-bit alphabet cannot carry (Azerbaijani ə, Cyrillic) is sent as UCS-2 (<c>coding=2</c>). With a delivery-report
/// URL configured, each message asks for reports (<c>dlr-mask</c>) on that URL with its own id.
/// </summary>
public sealed class KannelSmsSender : ISmsSender, IDisposable
{
    private readonly KannelSettings settings;
    private readonly HttpClient http;
    private readonly string sendUrl;

    public KannelSmsSender(KannelSettings settings, HttpMessageHandler? handler = null)
    {
        this.settings = settings;
        sendUrl = settings.SendUrl ?? throw new InvalidOperationException("Sms:Kannel:SendUrl is not set");
        http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        };
    }

    public async Task SendAsync(OutgoingSms message, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(RequestUri(message), ct);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SmsGatewayException($"Kannel at {sendUrl} did not answer within {settings.TimeoutSeconds} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new SmsGatewayException($"Kannel at {sendUrl} could not be reached: {e.Message}", e);
        }

        using (response)
        {
            var body = (await response.Content.ReadAsStringAsync(ct)).Trim();
            // smsbox's status line: "0: Accepted for delivery", "3: Queued for later delivery"; anything else is a refusal.
            if (!response.IsSuccessStatusCode || !(body.StartsWith("0:", StringComparison.Ordinal) || body.StartsWith("3:", StringComparison.Ordinal)))
            {
                throw new SmsGatewayException(string.Create(CultureInfo.InvariantCulture,
                    $"Kannel refused the message: HTTP {(int)response.StatusCode}, '{(body.Length > 200 ? body[..200] : body)}'"));
            }
        }
    }

    /// <summary>The sendsms request for a message (credentials included: never logged).</summary>
    internal Uri RequestUri(OutgoingSms message)
    {
        var query = new StringBuilder(sendUrl);
        query.Append(sendUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        Add(query, "username", settings.Username!);
        Add(query, "password", settings.Password!);
        Add(query, "from", settings.From!);
        Add(query, "to", message.Msisdn);
        Add(query, "text", message.Body);
        Add(query, "charset", "UTF-8");
        Add(query, "coding", Gsm7.CanEncode(message.Body) ? "0" : "2");
        if (settings.DlrUrl is { Length: > 0 } dlr)
        {
            Add(query, "dlr-mask", settings.DlrMask.ToString(CultureInfo.InvariantCulture));
            Add(query, "dlr-url", DlrUrlFor(dlr, message.MessageId, settings.CallbackToken!));
        }

        query.Length--;
        return new Uri(query.ToString());
    }

    internal static string DlrUrlFor(string template, long messageId, string token) => template
        .Replace(KannelSettings.IdPlaceholder, messageId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace(KannelSettings.TokenPlaceholder, token, StringComparison.Ordinal);

    private static void Add(StringBuilder query, string name, string value) =>
        query.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');

    public void Dispose() => http.Dispose();
}

/// <summary>Whether a text fits the GSM 03.38 default alphabet (with its extension table), i.e. needs no UCS-2.</summary>
public static class Gsm7
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    private static readonly HashSet<char> Alphabet = [.. Basic, .. Extension];

    public static bool CanEncode(string text)
    {
        foreach (var c in text)
        {
            if (!Alphabet.Contains(c))
            {
                return false;
            }
        }

        return true;
    }
}
