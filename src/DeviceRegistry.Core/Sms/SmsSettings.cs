using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Sms;

/// <summary>Where outgoing SMS go: appended to a file (development, demos) or handed to a Kannel SMS gateway.</summary>
public enum SmsGateway
{
    File,
    Kannel,
}

/// <summary>
/// The <c>Sms</c> section (docs/sms.md): which gateway delivers the SMS outboxes (registration warnings, appeal
/// decisions), and Kannel's send URL, credentials and callbacks under <c>Sms:Kannel</c>.
/// </summary>
public sealed class SmsSettings : ISettingsSection
{
    public const string Section = "Sms";

    public const string KannelSection = "Kannel";

    /// <summary><c>File</c> (the default: <see cref="OutboxFile"/>, or no sender at all when it is unset) or <c>Kannel</c>.</summary>
    public SmsGateway Gateway { get; set; } = SmsGateway.File;

    /// <summary>With the File gateway: the file each message is appended to. Unset: no SMS is sent, the outboxes stay pending.</summary>
    public string? OutboxFile { get; set; }

    /// <summary>The Kannel gateway (<c>Sms:Kannel:*</c>).</summary>
    public KannelSettings Kannel { get; } = new();

    public IEnumerable<string> OtherKeys => [KannelSection];

    public void BindOther(IConfigurationSection section, List<string> problems) =>
        Settings.BindNested(section.GetSection(KannelSection), Kannel, problems);

    public IEnumerable<string> Validate(string section)
    {
        if (Gateway == SmsGateway.Kannel && !string.IsNullOrWhiteSpace(OutboxFile))
        {
            yield return $"{section}:OutboxFile is set but {section}:Gateway is Kannel; the outbox file is the File gateway's: remove it or set {section}:Gateway to File";
        }

        // The callbacks (delivery reports, inbound checks) are checked whenever they are configured, whichever gateway sends.
        foreach (var problem in Kannel.Validate($"{section}:{KannelSection}", sending: Gateway == SmsGateway.Kannel))
        {
            yield return problem;
        }
    }
}

/// <summary>
/// <c>Sms:Kannel</c>: smsbox's sendsms interface (URL, a <c>sendsms-user</c>'s credentials, the sender number), the
/// delivery-report callback Kannel calls, and the token that callback and the inbound <c>sms-service</c> URL carry.
/// </summary>
public sealed class KannelSettings : ISettingsSection
{
    /// <summary>In <see cref="DlrUrl"/>: replaced by the message's id.</summary>
    public const string IdPlaceholder = "{id}";

    /// <summary>In <see cref="DlrUrl"/>: replaced by <see cref="CallbackToken"/>.</summary>
    public const string TokenPlaceholder = "{token}";

    /// <summary>In <see cref="DlrUrl"/>: Kannel puts the report's type there (1 delivered, 2 failed, 4 queued at the SMSC, 8 accepted by the SMSC, 16 rejected by the SMSC).</summary>
    public const string KannelTypePlaceholder = "%d";

    public const int MinimumTokenLength = 24;

    /// <summary>smsbox's sendsms address, e.g. http://127.0.0.1:13013/cgi-bin/sendsms.</summary>
    public string? SendUrl { get; set; }

    /// <summary>The <c>sendsms-user</c> group's username.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender shown on the phone: the registry's short number (1677) or an alphanumeric name.</summary>
    public string? From { get; set; }

    /// <summary>
    /// The delivery-report callback as Kannel must call it, with <c>{id}</c> (our message id), <c>%d</c> (Kannel's report
    /// type) and <c>{token}</c>, e.g. http://registry:5080/sms/kannel/dlr?id={id}&amp;type=%d&amp;token={token}. Unset: no
    /// reports are asked for and sent messages stay Sent.
    /// </summary>
    public string? DlrUrl { get; set; }

    /// <summary>Which reports Kannel sends (its dlr-mask bits): 1 delivered, 2 failed, 4 queued, 8 SMSC accepted, 16 SMSC rejected.</summary>
    public int DlrMask { get; set; } = 31;

    /// <summary>The shared secret the callbacks (delivery reports, inbound checks) must carry as <c>token=</c>; unset: they answer 404.</summary>
    public string? CallbackToken { get; set; }

    /// <summary>How long one sendsms request may take before the message is left pending for the next run.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    public bool CallbacksEnabled => !string.IsNullOrEmpty(CallbackToken);

    IEnumerable<string> ISettingsSection.Validate(string section) => Validate(section, sending: true);

    public IEnumerable<string> Validate(string section, bool sending)
    {
        if (sending)
        {
            if (!IsHttpUrl(SendUrl))
            {
                yield return $"{section}:SendUrl is '{SendUrl}'; with Sms:Gateway Kannel it must be smsbox's absolute http(s) sendsms address, such as http://127.0.0.1:13013/cgi-bin/sendsms";
            }

            if (string.IsNullOrWhiteSpace(Username) || string.IsNullOrEmpty(Password))
            {
                yield return $"{section}:Username and {section}:Password must both be set with Sms:Gateway Kannel: a sendsms-user of Kannel's configuration";
            }

            if (string.IsNullOrWhiteSpace(From))
            {
                yield return $"{section}:From must be set with Sms:Gateway Kannel: the sender number (the registry's short number) or name; smsbox refuses a message without one";
            }
        }

        if (TimeoutSeconds is < 1 or > 300)
        {
            yield return $"{section}:TimeoutSeconds is {TimeoutSeconds}; it must be a whole number of seconds from 1 to 300";
        }

        if (DlrMask is < 1 or > 31)
        {
            yield return $"{section}:DlrMask is {DlrMask}; it must be Kannel's dlr-mask, a sum of 1, 2, 4, 8 and 16 (1 to 31)";
        }

        if (CallbackToken is { } token && token.Length < MinimumTokenLength)
        {
            yield return $"{section}:CallbackToken has {token.Length} characters; it must have at least {MinimumTokenLength} (a random secret, e.g. 32 random bytes in base64url)";
        }

        if (CallbackToken is { } t && !t.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
        {
            yield return $"{section}:CallbackToken may hold only letters, digits and - _ . ~ (it travels in a URL unescaped)";
        }

        if (DlrUrl is { Length: > 0 } dlr)
        {
            var missing = new[] { IdPlaceholder, KannelTypePlaceholder, TokenPlaceholder }.Where(p => !dlr.Contains(p, StringComparison.Ordinal)).ToList();
            if (!IsHttpUrl(dlr.Replace(IdPlaceholder, "1", StringComparison.Ordinal).Replace(TokenPlaceholder, "t", StringComparison.Ordinal).Replace(KannelTypePlaceholder, "1", StringComparison.Ordinal)))
            {
                yield return $"{section}:DlrUrl is '{dlr}'; it must be an absolute http(s) address of the registry's callback, such as http://127.0.0.1:5080/sms/kannel/dlr?id={{id}}&type=%d&token={{token}}";
            }
            else if (missing.Count > 0)
            {
                yield return $"{section}:DlrUrl '{dlr}' lacks {string.Join(" and ", missing)}; it must carry {IdPlaceholder} (our message id), {KannelTypePlaceholder} (Kannel's report type) and {TokenPlaceholder} (the callback token)";
            }

            if (!CallbacksEnabled)
            {
                yield return $"{section}:DlrUrl is set but {section}:CallbackToken is not; the callback answers only requests carrying the token";
            }
        }
    }

    private static bool IsHttpUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
