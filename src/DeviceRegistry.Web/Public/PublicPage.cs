using DeviceRegistry.Web.Localization;
using System.Globalization;
using System.Text;
using DeviceRegistry.Web.Demo;

namespace DeviceRegistry.Web.Public;

/// <summary>
/// The public check page, rendered on the server so it works without JavaScript: a GET form to
/// /?imei=…, language links /?lang=… (remembered in a cookie), and the answer in plain words.
/// </summary>
internal static class PublicPage
{
    public static string Render(
        PublicTexts texts, string language, string? typed, PublicImeiCheckResult? result, string? notice, IReadOnlyList<DemoImei>? demo = null)
    {
        string T(string key) => Encode(texts.Get(key, language));
        var invalid = result is { Valid: false, Status: null } ? " aria-invalid=\"true\"" : string.Empty;
        var describedBy = result?.ReasonText is null ? "imei-hint" : "imei-hint result-reason";
        var html = new StringBuilder(4096);
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html>
            <html lang="{language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{(result is null ? string.Empty : Encode(result.Title) + " · ")}{T("pageTitle")}</title>
            <link rel="stylesheet" href="/site.css">
            </head>
            <body>
            <header class="top">
            <span class="mark" aria-hidden="true">IMEI</span>
            <nav aria-label="{T("languageChoice")}"><ul class="languages">
            """);
        foreach (var other in Languages.All)
        {
            var href = "/?lang=" + other + (typed is null ? string.Empty : "&imei=" + Uri.EscapeDataString(typed));
            var current = other == language ? " aria-current=\"true\"" : string.Empty;
            html.Append(CultureInfo.InvariantCulture,
                $"<li><a href=\"{Encode(href)}\" hreflang=\"{other}\" lang=\"{other}\"{current}>{Encode(texts.Get("languageName", other))}</a></li>");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </ul></nav>
            </header>
            <main>
            <h1>{T("pageTitle")}</h1>
            <p class="intro">{T("pageIntro")}</p>
            <form class="check" method="get" action="/">
            <label for="imei">{T("imeiLabel")}</label>
            <p id="imei-hint" class="hint">{T("imeiHint")}</p>
            <div class="row">
            <input id="imei" name="imei" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="24" aria-describedby="{describedBy}"{invalid} value="{Encode(typed ?? string.Empty)}">
            <button type="submit">{T("checkButton")}</button>
            </div>
            </form>
            """);

        if (notice is not null)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<section class=\"result tone-bad\" role=\"alert\"><h2>{T("tooManyTitle")}</h2><p>{Encode(notice)}</p></section>");
        }

        if (result is not null)
        {
            AppendResult(html, texts, language, result);
        }

        if (demo is { Count: > 0 })
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<aside class=\"demo\" aria-labelledby=\"demo-title\"><h2 id=\"demo-title\">{T("demoHeading")}</h2><p>{T("demoNote")}</p><ul>");
            foreach (var sample in demo)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<li><a href=\"/?imei={sample.Imei}\" data-status=\"{sample.Status}\">{sample.Imei}</a> <span>{Encode(texts.Get($"status.{sample.Status}.title", language))}</span></li>");
            }

            html.Append("</ul></aside>");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </main>
            <footer><p>{T("privacyNote")}</p></footer>
            </body>
            </html>
            """);
        return html.ToString();
    }

    private static void AppendResult(StringBuilder html, PublicTexts texts, string language, PublicImeiCheckResult result)
    {
        var tone = result.Status switch
        {
            "registered" => "good",
            "in_registration_window" or "never_seen" or "roaming_only" => "warn",
            _ => "bad",
        };
        html.Append(CultureInfo.InvariantCulture,
            $"<section id=\"result\" class=\"result tone-{tone}\" aria-live=\"polite\" aria-labelledby=\"result-title\" data-status=\"{Encode(result.Status ?? "invalid")}\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"result-title\">{Encode(result.Title)}</h2>");
        if (result.Imei is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"imei\">IMEI <span>{result.Imei}</span></p>");
        }

        if (result.Text is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"result-text\">{Encode(result.Text)}</p>");
        }

        if (result.ReasonText is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"result-reason\" class=\"reason\">{Encode(result.ReasonText)}</p>");
        }

        if (result.Status is not null)
        {
            html.Append("<dl>");
            var model = result.Device is { } d ? string.Join(' ', new[] { d.Brand, d.Model }.Where(s => !string.IsNullOrWhiteSpace(s))) : null;
            AppendRow(html, texts.Get("deviceLabel", language), string.IsNullOrWhiteSpace(model) ? texts.Get("deviceUnknown", language) : model);
            if (result.RegistrationDeadline is { } deadline)
            {
                AppendRow(html, texts.Get("deadlineLabel", language), PublicImeiCheck.FormatDate(deadline, language));
            }

            if (result.DutyAzn is { } duty)
            {
                AppendRow(html, texts.Get("dutyLabel", language), duty.ToString("0.##", CultureInfo.InvariantCulture) + " AZN");
            }

            html.Append("</dl>");
        }

        html.Append("</section>");
    }

    private static void AppendRow(StringBuilder html, string term, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div><dt>{Encode(term)}</dt><dd>{Encode(value)}</dd></div>");

    /// <summary>Escapes the five HTML-significant characters and leaves letters such as ö and ə readable in the source.</summary>
    private static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
