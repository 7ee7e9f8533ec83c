using System.Globalization;
using System.Net;
using System.Text.Json;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Web;

public sealed class PublicImeiApiTests
{
    private static async Task<JsonElement> CheckAsync(HttpClient client, string imei, string language = "en")
    {
        var response = await client.GetAsync(new Uri($"/api/v1/imei/{Uri.EscapeDataString(imei)}?lang={language}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_kind_of_bad_input_is_answered_invalid_with_its_reason(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();

        // The invalid Luhn examples of docs/reference.md, a short and a long number, letters and a junk pattern.
        var cases = new Dictionary<string, string>
        {
            ["357613004448480"] = "check_digit",
            ["357613004448405"] = "check_digit",
            ["1234567"] = "wrong_length",
            ["35761300444848512"] = "wrong_length",
            ["35761300444848A"] = "not_digits",
            ["000000000000000"] = "junk",
        };
        foreach (var (input, reason) in cases)
        {
            var answer = await CheckAsync(client, input);
            Assert.False(answer.GetProperty("valid").GetBoolean(), input);
            Assert.Equal(reason, Text(answer, "reason"));
            Assert.False(string.IsNullOrWhiteSpace(Text(answer, "reasonText")), input);
        }

        var checkDigit = await CheckAsync(client, "357613004448480");
        Assert.Null(Text(checkDigit, "status"));
        Assert.Contains("check digit", Text(checkDigit, "reasonText"), StringComparison.Ordinal);
        Assert.Contains("15 digits", Text(await CheckAsync(client, "1234567"), "reasonText"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_a_tac_database_a_valid_imei_is_not_called_invalid(DatabaseProvider provider)
    {
        // No TAC file was ever imported: the registry cannot know which TACs exist, so it doubts none.
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();

        var check = await CheckAsync(client, "357613004448485");
        Assert.True(check.GetProperty("valid").GetBoolean());
        Assert.Null(Text(check, "reason"));
        Assert.Equal(JsonValueKind.Null, check.GetProperty("device").ValueKind);
        Assert.Equal("never_seen", Text(check, "status"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_valid_imei_of_an_unknown_tac_is_flagged_and_a_known_tac_names_brand_and_model(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        await web.Database.AddTacAsync(49015420, "Xiaomi", "Redmi Note 12");
        using var client = web.CreateClient();

        var unknown = await CheckAsync(client, "357613004448485");
        Assert.False(unknown.GetProperty("valid").GetBoolean());
        Assert.Equal("unknown_tac", Text(unknown, "reason"));
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("device").ValueKind);
        Assert.Equal("never_seen", Text(unknown, "status"));

        // The same IMEI typed as people do: with spaces, without the check digit, or as an IMEISV.
        foreach (var typed in new[] { "490154203237518", "49 015420 323751 8", "49015420323751", "4901542032375101" })
        {
            var known = await CheckAsync(client, typed);
            Assert.True(known.GetProperty("valid").GetBoolean(), typed);
            Assert.Null(Text(known, "reason"));
            Assert.Equal("490154203237518", Text(known, "imei"));
            Assert.Equal("49015420", known.GetProperty("device").GetProperty("tac").GetString());
            Assert.Equal("Xiaomi", known.GetProperty("device").GetProperty("brand").GetString());
            Assert.Equal("Redmi Note 12", known.GetProperty("device").GetProperty("model").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_status_the_database_knows_is_worded_for_a_citizen(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var db = web.Database;
        var today = WebTestData.Today;
        await db.AddTacAsync(35761300, "Samsung", "Galaxy A54 5G");
        // Day 1 of the window is the day of the first home-network sighting; day 30 is the last one.
        await db.AddSeenAsync("35761300000011", today.AddDays(-10), today.AddDays(-10));   // day 11 of 30
        await db.AddSeenAsync("35761300000022", today.AddDays(-29), today.AddDays(-29));   // day 30: the last day of the window
        await db.AddSeenAsync("35761300000033", today.AddDays(-30), today.AddDays(-30));   // day 31: one day past it
        await db.AddSeenAsync("35761300000044", today.AddDays(-60), null);                  // foreign SIMs only
        await db.AddSeenAsync("35761300000055", today.AddDays(-90), today.AddDays(-90));
        await db.AddCloneStatusAsync("35761300000055", CloneStatusValues.Clone, "400011111111111");
        await db.AddSeenAsync("35761300000066", today.AddDays(-90), today.AddDays(-90));
        await db.AddCloneStatusAsync("35761300000066", CloneStatusValues.Cleared, "400011111111112");
        using var client = web.CreateClient();

        var inWindow = await CheckAsync(client, "35761300000011");
        Assert.Equal("in_registration_window", Text(inWindow, "status"));
        var deadline = today.AddDays(19);
        Assert.Equal(deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(inWindow, "registrationDeadline"));
        Assert.Equal(15m, inWindow.GetProperty("dutyAzn").GetDecimal()); // a model not on the price list, since 14 Dec 2023
        Assert.Contains(deadline.ToString("d MMMM yyyy", CultureInfo.InvariantCulture), Text(inWindow, "text"), StringComparison.Ordinal);
        Assert.Contains("15 AZN", Text(inWindow, "text"), StringComparison.Ordinal);

        var lastDay = await CheckAsync(client, "35761300000022");
        Assert.Equal("in_registration_window", Text(lastDay, "status"));
        Assert.Equal(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(lastDay, "registrationDeadline"));

        var over = await CheckAsync(client, "35761300000033");
        Assert.Equal("blocked_unregistered", Text(over, "status"));
        Assert.Contains("not registered within 30 days", Text(over, "text"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, over.GetProperty("registrationDeadline").ValueKind);

        var roaming = await CheckAsync(client, "35761300000044");
        Assert.Equal("roaming_only", Text(roaming, "status"));
        Assert.Contains("foreign SIM", Text(roaming, "text"), StringComparison.Ordinal);

        var clone = await CheckAsync(client, "35761300000055");
        Assert.Equal("clone", Text(clone, "status"));
        Assert.Contains("copied to other devices", Text(clone, "text"), StringComparison.Ordinal);

        var cleared = await CheckAsync(client, "35761300000066");
        Assert.Equal("blocked_unregistered", Text(cleared, "status"));

        var never = await CheckAsync(client, "35761300000077");
        Assert.Equal("never_seen", Text(never, "status"));
        Assert.Contains("never been used", Text(never, "text"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_registration_window_follows_the_setting(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["Registration:WindowDays"] = "60" });
        await web.Database.AddTacAsync(35761300, "Samsung", "Galaxy A54 5G");
        await web.Database.AddSeenAsync("35761300000033", WebTestData.Today.AddDays(-31), WebTestData.Today.AddDays(-31));
        using var client = web.CreateClient();

        var answer = await CheckAsync(client, "35761300000033");

        Assert.Equal("in_registration_window", Text(answer, "status"));
        // Day 1 was 31 days ago, so day 60 is 28 days from today.
        Assert.Equal(WebTestData.Today.AddDays(28).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(answer, "registrationDeadline"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_status_reads_in_each_language(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var today = WebTestData.Today;
        await web.Database.AddSeenAsync("35761300000011", today.AddDays(-3), today.AddDays(-3));
        await web.Database.AddSeenAsync("35761300000022", today.AddDays(-45), today.AddDays(-45));
        await web.Database.AddSeenAsync("35761300000033", today.AddDays(-45), today.AddDays(-45));
        await web.Database.AddCloneStatusAsync("35761300000033", CloneStatusValues.Clone, "400011111111111");
        await web.Database.AddSeenAsync("35761300000044", today.AddDays(-3), null);
        using var client = web.CreateClient();

        // Phrases a native reader expects in each language, written here independently of the texts file.
        var phrases = new (string Imei, string Status, string Az, string En, string Ru)[]
        {
            ("35761300000011", "in_registration_window", "qeydiyyatdan keçirin", "Register it by", "Зарегистрируйте его до"),
            ("35761300000022", "blocked_unregistered", "bloklanıb", "blocked", "заблокировано"),
            ("35761300000033", "clone", "klon", "clone", "клон"),
            ("35761300000044", "roaming_only", "xarici SIM", "foreign SIM", "иностранными SIM"),
            ("35761300000055", "never_seen", "istifadə olunmayıb", "never been used", "не использовалось"),
        };
        foreach (var (imei, status, az, en, ru) in phrases)
        {
            foreach (var (language, phrase) in new[] { ("az", az), ("en", en), ("ru", ru) })
            {
                var answer = await CheckAsync(client, imei, language);
                Assert.Equal(status, Text(answer, "status"));
                Assert.Equal(language, Text(answer, "language"));
                Assert.Contains(phrase, Text(answer, "title") + " " + Text(answer, "text"), StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_language_comes_from_the_query_then_the_cookie_then_accept_language_then_azerbaijani(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();
        var uri = new Uri("/api/v1/imei/1234", UriKind.Relative);

        async Task<string?> LanguageOf(HttpRequestMessage request)
        {
            using var response = await client.SendAsync(request);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return document.RootElement.GetProperty("language").GetString();
        }

        Assert.Equal("az", await LanguageOf(new HttpRequestMessage(HttpMethod.Get, uri)));
        var russian = new HttpRequestMessage(HttpMethod.Get, uri);
        russian.Headers.AcceptLanguage.ParseAdd("ru-RU,ru;q=0.9,en;q=0.5");
        Assert.Equal("ru", await LanguageOf(russian));
        var cookie = new HttpRequestMessage(HttpMethod.Get, uri);
        cookie.Headers.AcceptLanguage.ParseAdd("ru-RU");
        cookie.Headers.Add("Cookie", "devreg-lang=en");
        Assert.Equal("en", await LanguageOf(cookie));
        var query = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/imei/1234?lang=az", UriKind.Relative));
        query.Headers.Add("Cookie", "devreg-lang=en");
        Assert.Equal("az", await LanguageOf(query));
    }
}
