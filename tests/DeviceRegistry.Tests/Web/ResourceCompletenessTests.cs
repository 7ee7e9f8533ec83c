using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Resources;
using DeviceRegistry.Appeals;
using DeviceRegistry.Web.Public;

namespace DeviceRegistry.Tests.Web;

/// <summary>
/// Every .resx of the web host (every resource base name in the assembly, whoever added it) read as the
/// application reads it: through ResourceManager, the neutral (Azerbaijani) set from the main assembly and
/// the English and Russian sets from the satellite assemblies the build produced.
/// </summary>
public sealed class ResourceCompletenessTests
{
    private static readonly Assembly Web = typeof(DeviceRegistry.Web.WebEntryPoint).Assembly;

    private static readonly string[] Translations = ["en", "ru"];

    private static List<string> ResourceBaseNames() =>
        Web.GetManifestResourceNames()
            .Where(n => n.EndsWith(".resources", StringComparison.Ordinal))
            .Select(n => n[..^".resources".Length])
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> BaseNames() => new(ResourceBaseNames());

    private static Dictionary<string, string?> Read(string baseName, CultureInfo culture)
    {
        var set = new ResourceManager(baseName, Web).GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        Assert.True(set is not null, $"{baseName} has no resource set for '{culture.Name}' (is its satellite assembly built?)");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.Ordinal);
    }

    [Fact]
    public void The_assembly_holds_the_shared_and_the_public_texts()
    {
        var names = ResourceBaseNames();
        Assert.Contains("DeviceRegistry.Web.Resources.Localization.SharedTexts", names);
        Assert.Contains("DeviceRegistry.Web.Resources.Public.PublicTexts", names);
    }

    [Theory]
    [MemberData(nameof(BaseNames))]
    public void Every_key_of_the_neutral_texts_is_translated_into_english_and_russian(string baseName)
    {
        var neutral = Read(baseName, CultureInfo.InvariantCulture);
        Assert.NotEmpty(neutral);
        Assert.All(neutral, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"{baseName}: '{e.Key}' is empty in Azerbaijani"));
        foreach (var language in Translations)
        {
            var translated = Read(baseName, CultureInfo.GetCultureInfo(language));
            var missing = neutral.Keys.Where(k => !translated.TryGetValue(k, out var text) || string.IsNullOrWhiteSpace(text)).ToList();
            Assert.True(missing.Count == 0, $"{baseName}: no {language} text for {string.Join(", ", missing)}");
            var stale = translated.Keys.Except(neutral.Keys).ToList();
            Assert.True(stale.Count == 0, $"{baseName}: {language} has keys the neutral file lacks: {string.Join(", ", stale)}");
        }
    }

    [Fact]
    public void Every_public_status_has_a_title_and_a_text_in_each_language_each_its_own()
    {
        const string baseName = "DeviceRegistry.Web.Resources.Public.PublicTexts";
        var sets = new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("en"), CultureInfo.GetCultureInfo("ru") }
            .Select(c => Read(baseName, c)).ToList();
        var keys = Enum.GetValues<PublicStatusKind>().Select(k => "status." + PublicImeiCheck.StatusCode(k))
            .Concat(PublicAppealStatuses.All.Select(s => "appeal.status." + s));
        foreach (var key in keys)
        {
            foreach (var part in new[] { ".title", ".text" })
            {
                Assert.All(sets, set => Assert.False(string.IsNullOrWhiteSpace(set.GetValueOrDefault(key + part)), key + part));
            }

            // Distinct per language: a text left untranslated (copied from another language) shows up here.
            Assert.Equal(3, sets.Select(set => set[key + ".text"]).Distinct().Count());
        }
    }

    [Fact]
    public void Each_appeal_status_maps_to_a_public_word_and_internal_steps_stay_inside()
    {
        var words = Enum.GetValues<AppealStatus>().ToDictionary(s => s, PublicAppealStatuses.Of);
        Assert.Equal(PublicAppealStatuses.InReview, words[AppealStatus.AwaitingConfirmation]);
        Assert.Equal(PublicAppealStatuses.Received, words[AppealStatus.New]);
        Assert.Equal(PublicAppealStatuses.All.Order(), words.Values.Distinct().Order());
    }
}
