using System.Collections.Frozen;
using System.Text.Json;
using DeviceRegistry.Web.Localization;

namespace DeviceRegistry.Web.Public;

/// <summary>
/// Every citizen-facing text of the public check in Azerbaijani, English and Russian, from the one
/// place translators edit: Public/PublicTexts.json (embedded). A key missing a language fails at start.
/// </summary>
public sealed class PublicTexts
{
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
            var missing = Languages.All.Where(l => !translations.TryGetValue(l, out var t) || string.IsNullOrWhiteSpace(t)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"Public/PublicTexts.json: '{key}' has no text for {string.Join(", ", missing)}.");
            }
        }

        return new PublicTexts(raw.ToFrozenDictionary(e => e.Key, e => e.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal));
    }

    public string Get(string key, string language)
    {
        if (!texts.TryGetValue(key, out var translations))
        {
            throw new KeyNotFoundException($"Public/PublicTexts.json has no '{key}'.");
        }

        return translations.TryGetValue(language, out var text) ? text : translations[Languages.Default];
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
