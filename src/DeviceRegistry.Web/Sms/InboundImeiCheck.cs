using System.Globalization;
using System.Text;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Public;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Sms;

/// <summary>
/// The IMEI check by SMS to the short number: the text is an IMEI (spaces tolerated, a leading "IMEI" ignored) with an
/// optional language keyword (EN, RU or AZ, anywhere; Azerbaijani by default). The reply is the public check's own answer
/// (<see cref="PublicImeiCheck"/>, the same query and texts as the page and the API), so it can never hold more than
/// they show; a text with anything but digits and keywords gets a short help in the language asked for.
/// </summary>
public sealed class InboundImeiCheck(PublicImeiCheck check, IStringLocalizer<PublicTexts> texts)
{
    public async Task<string> ReplyAsync(string? text, CancellationToken ct)
    {
        var (language, digits) = Read(text);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        if (digits is null)
        {
            return texts["sms.help"];
        }

        var answer = await check.CheckAsync(digits, ct);
        var reply = new StringBuilder("IMEI ").Append(answer.Imei ?? digits);
        if (answer.Device is { } device && (device.Brand ?? device.Model) is not null)
        {
            reply.Append(" (").AppendJoin(' ', new[] { device.Brand, device.Model }.Where(p => p is not null)).Append(')');
        }

        reply.Append(": ").Append(answer.Title).Append('.');
        foreach (var part in new[] { answer.ReasonText, answer.Text })
        {
            if (!string.IsNullOrWhiteSpace(part))
            {
                reply.Append(' ').Append(part);
            }
        }

        return reply.ToString();
    }

    /// <summary>The language asked for and the IMEI's digits; null digits for a text that is no IMEI at all.</summary>
    internal static (string Language, string? Digits) Read(string? text)
    {
        var language = Languages.Default;
        var digits = new StringBuilder();
        var garbage = false;
        foreach (var word in (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var lower = word.ToLowerInvariant();
            if (Languages.IsSupported(lower))
            {
                language = lower;
            }
            else if (lower == "imei" && digits.Length == 0)
            {
                continue;
            }
            else if (word.All(char.IsAsciiDigit))
            {
                digits.Append(word);
            }
            else
            {
                garbage = true;
            }
        }

        return (language, garbage || digits.Length == 0 ? null : digits.ToString());
    }
}
