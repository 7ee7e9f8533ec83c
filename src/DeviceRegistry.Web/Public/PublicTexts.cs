using System.Collections.Frozen;
using System.Text.Json;

namespace DeviceRegistry.Web.Public;

/// <summary>
/// Every citizen-facing text of the public check in Azerbaijani, English and Russian, from the one
/// place translators edit: Public/PublicTexts.json (embedded). A key missing a language fails at start.
/// </summary>
public sealed class PublicTexts
{
    public const string DefaultLanguage = "az";

    public static readonly IReadOnlyList<string> Languages = ["az", "en", "ru"];

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> texts;

    private PublicTexts(FrozenDictionary<string, FrozenDictionary<string, string>> texts) => this.texts = texts;

    public IEnumerable<string> Keys => texts.Keys;

    public static PublicTexts Load()
    {
        using var stream = typeof(PublicTexts).Assembly.GetManifestResourceStream("DeviceRegistry.Web.Public.PublicTexts.json")
            ?? throw new InvalidOperationException("The embedded resource Public/PublicTexts.json is missing.");
        var raw = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)
            ?? throw new InvalidOperationException("Public/PublicTexts.json is empty.");
        foreach (var (key, translations) in raw)
        {
            var missing = Languages.Where(l => !translations.TryGetValue(l, out var t) || string.IsNullOrWhiteSpace(t)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"Public/PublicTexts.json: '{key}' has no text for {string.Join(", ", missing)}.");
            }
        }

        return new PublicTexts(raw.ToFrozenDictionary(e => e.Key, e => e.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal));
    }

    public static bool IsSupported(string? language) => language is not null && Languages.Contains(language);

    public string Get(string key, string language)
    {
        if (!texts.TryGetValue(key, out var translations))
        {
            throw new KeyNotFoundException($"Public/PublicTexts.json has no '{key}'.");
        }

        return translations.TryGetValue(language, out var text) ? text : translations[DefaultLanguage];
    }

    /// <summary>The text with each {name} replaced by its value.</summary>
    public string Format(string key, string language, params (string Name, string Value)[] values)
    {
        var text = Get(key, language);
        foreach (var (name, value) in values)
        {
            text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return text;
    }
}

/// <summary>
/// Which language a request wants: ?lang=, then the remembered cookie, then (API only) Accept-Language,
/// then Azerbaijani. The page opens in the state language whatever the browser's locale until the
/// reader picks another; API clients negotiate as HTTP does.
/// </summary>
public static class PublicLanguage
{
    public const string CookieName = "devreg-lang";

    public static string Resolve(HttpContext context, bool useAcceptLanguage = true)
    {
        var query = context.Request.Query["lang"].ToString().Trim().ToLowerInvariant();
        if (PublicTexts.IsSupported(query))
        {
            return query;
        }

        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && PublicTexts.IsSupported(cookie))
        {
            return cookie!;
        }

        if (!useAcceptLanguage)
        {
            return PublicTexts.DefaultLanguage;
        }

        foreach (var header in context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(h => h.Quality ?? 1))
        {
            var tag = header.Value.Value;
            if (tag is { Length: >= 2 } && PublicTexts.IsSupported(tag[..2].ToLowerInvariant()))
            {
                return tag[..2].ToLowerInvariant();
            }
        }

        return PublicTexts.DefaultLanguage;
    }

    public static void Remember(HttpContext context, string language) =>
        context.Response.Cookies.Append(CookieName, language, new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Secure = context.Request.IsHttps,
        });
}
