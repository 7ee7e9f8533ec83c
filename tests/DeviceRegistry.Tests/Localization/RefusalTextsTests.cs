using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;
using DeviceRegistry.Appeals;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Web.Localization;
using FluentValidation.Results;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Localization;

/// <summary>
/// The refusal texts against the core's one list of codes (<see cref="RefusalCodes.All"/>) and Identity's
/// describer: every code and every Identity error has a text in Azerbaijani, English and Russian.
/// </summary>
public sealed partial class RefusalTextsTests
{
    private const string BaseName = "DeviceRegistry.Web.Resources.Localization.RefusalTexts";

    private static readonly Assembly Web = typeof(RefusalTexts).Assembly;

    private static readonly string[] Cultures = ["", "en", "ru"];

    private static Dictionary<string, string> Read(string culture)
    {
        var set = new ResourceManager(BaseName, Web)
            .GetResourceSet(culture.Length == 0 ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture), createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    private static IEnumerable<string> IdentityKeys() =>
        typeof(IdentityErrorDescriber).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsVirtual && m.ReturnType == typeof(IdentityError))
            .Select(m => LocalizedIdentityErrors.Prefix + m.Name);

    [Fact]
    public void Every_code_the_core_declares_has_a_text_in_azerbaijani_english_and_russian()
    {
        Assert.Contains(RefusalCodes.DocumentNumberFormat, RefusalCodes.All);
        Assert.Contains("imei.CheckDigit", RefusalCodes.All);
        Assert.Equal(RefusalCodes.All.Count, RefusalCodes.All.Distinct().Count());
        foreach (var culture in Cultures)
        {
            var texts = Read(culture);
            var missing = RefusalCodes.All.Where(c => !texts.TryGetValue(c, out var t) || string.IsNullOrWhiteSpace(t)).ToList();
            Assert.True(missing.Count == 0, $"'{culture}' has no text for {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void Every_identity_error_is_localized_by_the_web_describer_in_each_language()
    {
        var keys = IdentityKeys().ToList();
        Assert.Contains("identity.PasswordTooShort", keys);
        var overridden = typeof(LocalizedIdentityErrors).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => LocalizedIdentityErrors.Prefix + m.Name).ToHashSet();
        Assert.Empty(keys.Except(overridden));
        foreach (var culture in Cultures)
        {
            var texts = Read(culture);
            var missing = keys.Where(k => !texts.ContainsKey(k)).ToList();
            Assert.True(missing.Count == 0, $"'{culture}' has no text for {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void The_texts_hold_only_known_keys_and_every_language_takes_the_same_arguments()
    {
        var known = RefusalCodes.All.Concat(IdentityKeys()).ToHashSet(StringComparer.Ordinal);
        var sets = Cultures.Select(Read).ToList();
        var unknown = sets[0].Keys.Where(k => !known.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, $"texts of no code: {string.Join(", ", unknown)}");
        foreach (var key in sets[0].Keys)
        {
            var placeholders = sets.Select(s => string.Join(",", Placeholder().Matches(s[key]).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal))).ToList();
            Assert.True(placeholders.Distinct().Count() == 1, $"{key}: the languages take different arguments ({string.Join(" | ", placeholders)})");
            // A text copied from another language instead of translated shows up here.
            Assert.True(sets.Select(s => s[key]).Distinct().Count() == 3,
                $"{key}: two languages have the same text");
        }
    }

    [Fact]
    public void A_refusal_is_worded_in_the_reader_language_with_its_arguments_and_an_unknown_code_keeps_the_english_message()
    {
        using var services = new ServiceCollection().AddLogging().AddRegistryLocalization().BuildServiceProvider();
        var refusals = services.GetRequiredService<Refusals>();
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ru");
            var stale = new AppealException(AppealProblem.Refused, RefusalCodes.StatusPairing, "appeal AP-1 is Closed: ...", "AP-1", AppealStatus.Closed);
            Assert.Equal("Обращение AP-1 в статусе «Закрыто»: привязка возможна только при рассмотрении.", refusals.Text(stale));
            Assert.Equal("Укажите от 1 до 4 номеров, которые заявитель использует в этом телефоне.",
                refusals.Text(RefusalCodes.Failure("Numbers", RefusalCodes.NumbersCount, "give 1 to 4 ...", 4)));
            Assert.Equal("the English message", refusals.Text(new ValidationFailure("X", "the English message") { ErrorCode = "no.such.code" }));
            Assert.Equal("the English message", refusals.Text(new ValidationFailure("X", "the English message")));

            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("az");
            Assert.Equal("IMEI yalnız rəqəmlərdən ibarətdir.", refusals.Imei(ImeiProblem.NotDigits));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
