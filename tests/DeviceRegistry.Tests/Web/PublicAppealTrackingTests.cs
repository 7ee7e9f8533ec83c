using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Web;

/// <summary>Rows of appeals written straight into a test database, full of what the public must never see.</summary>
internal static class AppealTestData
{
    public const string Imei = "35761300000011";
    public const string ApplicantName = "Leyla Məmmədova";
    public const string DocumentNumber = "AZE17283946";
    public const string Contact = "994501234567";
    public const string SecondNumber = "994557654321";
    public const string Office = "Bakı Poçt Şöbəsi 12";
    public const string ReasonText = "Telefonu mağazadan almışam, qəbz var";
    public const string DecisionReason = "Qəbz yoxlanıldı, SIM kartlar cütləşdirildi";
    public const string ReviewerId = "reviewer-aysel-quliyeva";
    public const string SupervisorId = "supervisor-rauf-hesenov";
    public const string ClerkId = "clerk-nigar-aliyeva";

    /// <summary>All the personal and internal data of the appeals <see cref="AddAppealAsync"/> writes.</summary>
    public static readonly string[] Secrets =
        [Imei, ApplicantName, DocumentNumber, Contact, SecondNumber, Office, ReasonText, DecisionReason, ReviewerId, SupervisorId, ClerkId];

    /// <summary>Filed at 21:30 UTC on 2 November 2026: 3 November in Baku, the registry's day.</summary>
    public static readonly DateTime FiledAt = new(2026, 11, 2, 21, 30, 0, DateTimeKind.Utc);

    public static readonly DateOnly DueOn = new(2026, 11, 17);

    private static int appeals;

    /// <summary>An appeal on its own IMEI (357613000000nn: one open appeal per IMEI), filed at <see cref="FiledAt"/>.</summary>
    public static async Task AddAppealAsync(
        this TestDatabase db, string tracking, AppealStatus status, DateTime? decidedAt = null, DateTime? confirmedAt = null, DateTime? closedAt = null)
    {
        await using var context = db.CreateContext();
        var imei = WebTestData.Key(Imei) + (Interlocked.Increment(ref appeals) % 80);
        var appeal = new Appeal
        {
            TrackingNumber = tracking,
            Imei = imei,
            Status = status,
            Reason = AppealReason.BoughtSecondHand,
            ReasonText = ReasonText,
            ApplicantDocumentType = OwnerDocumentType.IdCard,
            ApplicantDocumentNumber = DocumentNumber,
            ApplicantName = ApplicantName,
            ApplicantContact = Contact,
            Language = "az",
            Office = Office,
            FiledById = ClerkId,
            FiledAt = FiledAt,
            DueOn = DueOn,
            AssignedToId = status == AppealStatus.New ? null : ReviewerId,
            AssignedAt = status == AppealStatus.New ? null : FiledAt.AddHours(20),
            Outcome = status switch
            {
                AppealStatus.Approved => AppealOutcome.Lifted,
                AppealStatus.Rejected => AppealOutcome.Rejected,
                _ => null,
            },
            DecisionReason = decidedAt is null ? null : DecisionReason,
            DecidedById = decidedAt is null ? null : ReviewerId,
            DecidedAt = decidedAt,
            ConfirmedById = confirmedAt is null ? null : SupervisorId,
            ConfirmedAt = confirmedAt,
            ClosedAt = closedAt,
            UpdatedAt = closedAt ?? confirmedAt ?? decidedAt ?? FiledAt,
            Numbers = [new AppealNumber { Msisdn = Contact }, new AppealNumber { Msisdn = SecondNumber }],
        };
        context.Set<Appeal>().Add(appeal);
        await context.SaveChangesAsync();
    }
}

public sealed class PublicAppealTrackingTests
{
    private static readonly string[] PublicFields = ["trackingNumber", "status", "title", "text", "filedOn", "dueOn", "decidedOn", "language"];

    private static async Task<(HttpStatusCode Status, string? MediaType, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> FollowAsync(HttpClient client, string tracking, string language = "en")
    {
        var (status, mediaType, body) = await GetAsync(client, $"/api/v1/appeals/{Uri.EscapeDataString(tracking)}?lang={language}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", mediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_state_of_an_appeal_shows_as_its_public_word_with_its_dates(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var proposed = new DateTime(2026, 11, 9, 10, 0, 0, DateTimeKind.Utc);
        var confirmed = new DateTime(2026, 11, 11, 22, 15, 0, DateTimeKind.Utc); // 12 November in Baku
        await web.Database.AddAppealAsync("AP-0000-0001", AppealStatus.New);
        await web.Database.AddAppealAsync("AP-0000-0002", AppealStatus.InReview);
        await web.Database.AddAppealAsync("AP-0000-0003", AppealStatus.InformationRequested);
        await web.Database.AddAppealAsync("AP-0000-0004", AppealStatus.AwaitingConfirmation, decidedAt: proposed);
        await web.Database.AddAppealAsync("AP-0000-0005", AppealStatus.Approved, decidedAt: proposed, confirmedAt: confirmed, closedAt: confirmed);
        await web.Database.AddAppealAsync("AP-0000-0006", AppealStatus.Rejected, decidedAt: proposed, closedAt: proposed);
        await web.Database.AddAppealAsync("AP-0000-0007", AppealStatus.Closed, closedAt: proposed);
        using var client = web.CreateClient();

        var expected = new (string Tracking, string Status, string Title, string? DecidedOn)[]
        {
            ("AP-0000-0001", "received", "Received", null),
            ("AP-0000-0002", "in_review", "In review", null),
            ("AP-0000-0003", "information_requested", "Information requested", null),
            // A reviewer's proposal waiting for a supervisor is an internal step: still in review, nothing decided.
            ("AP-0000-0004", "in_review", "In review", null),
            // A lift is decided when the supervisor confirms it, not when it was proposed.
            ("AP-0000-0005", "decided_approved", "Approved", "2026-11-12"),
            ("AP-0000-0006", "decided_rejected", "Rejected", "2026-11-09"),
            ("AP-0000-0007", "closed", "Closed", null),
        };
        foreach (var (tracking, status, title, decidedOn) in expected)
        {
            var answer = await FollowAsync(client, tracking);
            Assert.Equal(tracking, Text(answer, "trackingNumber"));
            Assert.Equal(status, Text(answer, "status"));
            Assert.Equal(title, Text(answer, "title"));
            Assert.False(string.IsNullOrWhiteSpace(Text(answer, "text")), tracking);
            Assert.Equal("2026-11-03", Text(answer, "filedOn")); // the registry's day, not the UTC date
            Assert.Equal("2026-11-17", Text(answer, "dueOn"));
            Assert.Equal(decidedOn, Text(answer, "decidedOn"));
            Assert.Equal("en", Text(answer, "language"));
        }

        Assert.Contains("17 November 2026", Text(await FollowAsync(client, "AP-0000-0002"), "text"), StringComparison.Ordinal);
        Assert.Contains("12 November 2026", Text(await FollowAsync(client, "AP-0000-0005"), "text"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_number_is_found_as_people_type_it_and_worded_in_each_language(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        await web.Database.AddAppealAsync("AP-7K3Q-9X2M", AppealStatus.AwaitingConfirmation, decidedAt: AppealTestData.FiledAt.AddDays(3));
        using var client = web.CreateClient();

        foreach (var typed in new[] { "AP-7K3Q-9X2M", "ap-7k3q-9x2m", "AP7K3Q9X2M", "ap7k3q9x2m", "7K3Q-9X2M" })
        {
            var answer = await FollowAsync(client, typed);
            Assert.Equal("AP-7K3Q-9X2M", Text(answer, "trackingNumber"));
            Assert.Equal("in_review", Text(answer, "status"));
        }

        foreach (var (language, title, due) in new[] { ("az", "Baxılır", "17.11.2026"), ("en", "In review", "17 November 2026"), ("ru", "На рассмотрении", "17.11.2026") })
        {
            var answer = await FollowAsync(client, "AP-7K3Q-9X2M", language);
            Assert.Equal(language, Text(answer, "language"));
            Assert.Equal(title, Text(answer, "title"));
            Assert.Contains(due, Text(answer, "text"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_malformed_or_unknown_number_is_a_404_problem_that_says_which(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        await web.Database.AddAppealAsync("AP-7K3Q-9X2M", AppealStatus.New);
        using var client = web.CreateClient();

        var cases = new (string Typed, string Reason)[]
        {
            ("hello", "malformed"),
            ("AP-7K3Q-9X2", "malformed"),        // one character short
            ("AP-7K3Q-9X2MM", "malformed"),      // one too many
            ("AP-7K3U-9X2M", "malformed"),       // U is not in Crockford's alphabet
            ("XX-7K3Q-9X2M", "malformed"),
            ("AP-7K3Q-9X2N", "unknown"),
            ("AP-0000-0000", "unknown"),
        };
        foreach (var (typed, reason) in cases)
        {
            var (status, mediaType, body) = await GetAsync(client, $"/api/v1/appeals/{Uri.EscapeDataString(typed)}?lang=en");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("application/problem+json", mediaType);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
            Assert.Equal(reason == "malformed" ? "Not a tracking number" : "No appeal has this number", problem.RootElement.GetProperty("title").GetString());
            Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        }

        var (_, _, russian) = await GetAsync(client, "/api/v1/appeals/hello?lang=ru");
        Assert.Contains("Это не номер отслеживания", russian, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Neither_the_api_nor_the_page_shows_the_applicant_the_device_or_who_handles_it(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var decided = new DateTime(2026, 11, 10, 9, 0, 0, DateTimeKind.Utc);
        await web.Database.AddAppealAsync("AP-0000-0001", AppealStatus.InReview);
        await web.Database.AddAppealAsync("AP-0000-0002", AppealStatus.AwaitingConfirmation, decidedAt: decided);
        await web.Database.AddAppealAsync("AP-0000-0003", AppealStatus.Approved, decidedAt: decided, confirmedAt: decided, closedAt: decided);
        await web.Database.AddAppealAsync("AP-0000-0004", AppealStatus.Rejected, decidedAt: decided, closedAt: decided);
        using var client = web.CreateClient();

        var bodies = new List<string>();
        foreach (var tracking in new[] { "AP-0000-0001", "AP-0000-0002", "AP-0000-0003", "AP-0000-0004" })
        {
            foreach (var language in new[] { "az", "en", "ru" })
            {
                var (_, _, json) = await GetAsync(client, $"/api/v1/appeals/{tracking}?lang={language}");
                using (var document = JsonDocument.Parse(json))
                {
                    // The answer is the allow-list of public fields, nothing more.
                    Assert.Equal(PublicFields.Order(), document.RootElement.EnumerateObject().Select(p => p.Name).Order());
                }

                bodies.Add(json);
                var (status, _, html) = await GetAsync(client, $"/?lang={language}&tracking={tracking}");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Contains("id=\"appeal-result\"", html, StringComparison.Ordinal);
                bodies.Add(html);
            }
        }

        Assert.Contains(bodies, b => b.Contains("\"status\":\"decided_rejected\"", StringComparison.Ordinal));
        foreach (var body in bodies)
        {
            foreach (var secret in AppealTestData.Secrets)
            {
                Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
            }

            Assert.DoesNotContain("357613000000", body, StringComparison.Ordinal); // no IMEI in any form
            Assert.DoesNotContain("AZE", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Awaiting", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_page_follows_an_appeal_in_the_readers_language(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        await web.Database.AddAppealAsync("AP-7K3Q-9X2M", AppealStatus.AwaitingConfirmation, decidedAt: AppealTestData.FiledAt.AddDays(2));
        using var client = web.CreateClient();

        var (_, _, bare) = await GetAsync(client, "/");
        Assert.Contains("<label for=\"tracking\">İzləmə nömrəsi</label>", bare, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"appeal-result\"", bare, StringComparison.Ordinal);

        var (status, _, html) = await GetAsync(client, "/?lang=en&tracking=ap7k3q9x2m");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches(new Regex("<section id=\"appeal-result\"[^>]*data-status=\"in_review\""), html);
        Assert.Contains("<h2 id=\"appeal-title\">In review</h2>", html, StringComparison.Ordinal);
        Assert.Contains("AP-7K3Q-9X2M", html, StringComparison.Ordinal);
        Assert.Contains("<dd>3 November 2026</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>17 November 2026</dd>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"ap7k3q9x2m\"", html, StringComparison.Ordinal); // what was typed stays in the field

        var (_, _, russian) = await GetAsync(client, "/?lang=ru&tracking=AP-7K3Q-9X2M");
        Assert.Contains("<h2 id=\"appeal-title\">На рассмотрении</h2>", russian, StringComparison.Ordinal);
        Assert.Contains("<dd>03.11.2026</dd>", russian, StringComparison.Ordinal);

        var (badStatus, _, malformed) = await GetAsync(client, "/?lang=en&tracking=" + Uri.EscapeDataString("<b>AP</b>"));
        Assert.Equal(HttpStatusCode.OK, badStatus);
        Assert.Matches(new Regex("<section id=\"appeal-result\"[^>]*data-status=\"malformed\""), malformed);
        Assert.Contains("Not a tracking number", malformed, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"tracking-hint appeal-reason\" aria-invalid=\"true\"", malformed, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>AP</b>", malformed, StringComparison.Ordinal);

        var (_, _, unknown) = await GetAsync(client, "/?lang=en&tracking=AP-0000-0000");
        Assert.Matches(new Regex("<section id=\"appeal-result\"[^>]*data-status=\"unknown\""), unknown);
        Assert.Contains("No appeal has this number", unknown, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Following_appeals_shares_the_rate_limit_of_the_imei_check(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["PublicCheck:PermitPerMinute"] = "2" });
        await web.Database.AddAppealAsync("AP-7K3Q-9X2M", AppealStatus.New);
        using var client = web.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/v1/imei/490154203237518")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/v1/appeals/AP-7K3Q-9X2M")).Status);

        using var refused = await client.GetAsync(new Uri("/api/v1/appeals/AP-7K3Q-9X2M", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Contains("2 appeal lookups per minute", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (pageStatus, pageType, page) = await GetAsync(client, "/?lang=en&tracking=AP-7K3Q-9X2M");
        Assert.Equal(HttpStatusCode.TooManyRequests, pageStatus);
        Assert.Equal("text/html", pageType);
        Assert.Contains("Too many checks", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/?lang=en")).Status);
    }

    [Fact]
    public void New_tracking_numbers_are_well_formed_random_and_read_back_as_themselves()
    {
        var shape = new Regex("^AP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$");
        var numbers = Enumerable.Range(0, 2000).Select(_ => TrackingNumber.New()).ToList();
        Assert.All(numbers, n => Assert.Matches(shape, n));
        Assert.True(numbers.Distinct().Count() >= 1999, "40 random bits hardly ever repeat in 2000 draws");
        Assert.All(numbers, n => Assert.True(TrackingNumber.TryNormalize(n, out var again) && again == n, n));
        // Every character of the alphabet turns up somewhere.
        Assert.Equal(TrackingNumber.Alphabet.Order(), numbers.SelectMany(n => n[3..].Replace("-", string.Empty, StringComparison.Ordinal)).Distinct().Order());
    }

    [Theory]
    [InlineData("AP-7K3Q-9X2M", "AP-7K3Q-9X2M")]
    [InlineData("ap-7k3q-9x2m", "AP-7K3Q-9X2M")]
    [InlineData("AP7K3Q9X2M", "AP-7K3Q-9X2M")]
    [InlineData(" ap 7k3q 9x2m ", "AP-7K3Q-9X2M")]
    [InlineData("7K3Q9X2M", "AP-7K3Q-9X2M")]
    [InlineData("AP-7K3O-9XLI", "AP-7K30-9X11")] // Crockford: O reads as 0, I and L as 1
    public void Tracking_numbers_are_read_as_people_type_them(string typed, string expected)
    {
        Assert.True(TrackingNumber.TryNormalize(typed, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("AP-7K3Q-9X2")]
    [InlineData("AP-7K3Q-9X2MM")]
    [InlineData("AP-7K3U-9X2M")]
    [InlineData("BP-7K3Q-9X2M")]
    [InlineData("AP-7K3Q-9X2*")]
    [InlineData("AP-7K3Q-9X2M-7K3Q-9X2M-7K3Q-9X2M-7K3Q-9X2M")]
    public void Anything_else_is_not_a_tracking_number(string? typed)
    {
        Assert.False(TrackingNumber.TryNormalize(typed, out var normalized));
        Assert.Equal(string.Empty, normalized);
    }
}
