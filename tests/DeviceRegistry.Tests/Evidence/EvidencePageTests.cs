using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Appeals;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;
using static DeviceRegistry.Tests.Evidence.EvidenceTestKit;

namespace DeviceRegistry.Tests.Evidence;

/// <summary>The evidence page over real HTTP with a signed-in member of staff.</summary>
public sealed partial class EvidencePageTests
{
    private static readonly string Imei15 = new Imei(GetImeiEvidenceTests.Key).WithCheckDigit;

    internal static async Task<RegistryWebFactory> HostAsync(DatabaseProvider provider)
    {
        var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        web.Clock = new FixedTimeProvider(Now);
        return web;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reviewer_sees_the_sims_genuine_first_with_the_applicant_marked_and_the_eir_answers(DatabaseProvider provider)
    {
        await using var web = await HostAsync(provider);
        await GetImeiEvidenceTests.SeedAsync(web.Database);
        await CloneAsync(web.Database, GetImeiEvidenceTests.Key, new DateOnly(2026, 11, 5), null, GetImeiEvidenceTests.Genuine, GetImeiEvidenceTests.Copy);
        await AppealAsync(web.Database, GetImeiEvidenceTests.Key, "AP-NEW2-0002", "Sumqayıt", AppealStatus.InReview,
            new DateTime(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc), numbers: "994554444444");
        await StaffTestKit.CreateUserAsync(web, "reviewer1", StaffRoles.Reviewer);
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "reviewer1");

        var response = await client.GetAsync($"/backoffice/evidence/{Imei15}?appeal=AP-NEW2-0002&lang=en");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var table = Between(html, "id=\"evidence-sims\"", "</table>");
        var rows = TableRow().Matches(table).Select(m => (Class: m.Groups[1].Value, Imsi: m.Groups[2].Value, Text: m.Groups[3].Value)).ToList();
        Assert.Equal([GetImeiEvidenceTests.Genuine, GetImeiEvidenceTests.Copy, GetImeiEvidenceTests.Applicant], rows.Select(r => r.Imsi));
        Assert.Equal(["WHITELISTED", "WHITELISTED", "BLACKLISTED"], rows.Select(r => Answer().Match(r.Text).Groups[1].Value));
        Assert.Contains("not one of its allowed pairs", rows[2].Text, StringComparison.Ordinal);
        Assert.Equal(["ev-genuine", "ev-other", "ev-applicant"], rows.Select(r => r.Class));
        Assert.Contains("ev-mark-applicant\">applicant<", rows[2].Text, StringComparison.Ordinal);
        Assert.Contains("ev-mark-genuine\">genuine<", rows[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ev-mark-applicant", rows[0].Text + rows[1].Text, StringComparison.Ordinal);

        // The timeline: one label row and one cell group per SIM in the same order, bands on the days together.
        Assert.Equal(rows.Select(r => r.Imsi), LabelRow().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Equal(rows.Select(r => r.Imsi), CellGroup().Matches(html).Select(m => m.Groups[1].Value));
        // 5-6 Oct are one run, 2 Nov another; the verdict line crosses the header and the rows.
        Assert.Equal(2, Regex.Count(html, "<rect class=\"ev-together\""));
        Assert.Equal(2, Regex.Count(html, "<line class=\"ev-verdict\""));
        Assert.Contains("AP-NEW2-0002", Between(html, "id=\"appeals\"", "</section>"), StringComparison.Ordinal);
        Assert.Contains("concurrent-sims", Between(html, "id=\"verdict-rule\"", "</dd>"), StringComparison.Ordinal);

        await using var context = web.Database.CreateContext();
        var entry = Assert.Single(await context.Set<AuditEntry>().Where(a => a.Action == AuditActions.EvidenceViewed).ToListAsync());
        Assert.Equal("reviewer1", entry.ActorName);
        Assert.Equal("imei:" + Imei15, entry.Subject);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clerk_is_refused_and_a_stranger_is_sent_to_sign_in_and_neither_is_audited(DatabaseProvider provider)
    {
        await using var web = await HostAsync(provider);
        await GetImeiEvidenceTests.SeedAsync(web.Database);
        await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");

        using var stranger = StaffTestKit.CreateClient(web);
        var anonymous = await stranger.GetAsync($"/backoffice/evidence/{Imei15}");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/backoffice/account/signin", anonymous.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);

        using var clerk = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(clerk, "clerk1");
        var refused = await clerk.GetAsync($"/backoffice/evidence/{Imei15}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/backoffice/account/denied", refused.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);

        await using var context = web.Database.CreateContext();
        Assert.Empty(await context.Set<AuditEntry>().Where(a => a.Action == AuditActions.EvidenceViewed).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_wrong_check_digit_is_a_bad_request_in_the_readers_language(DatabaseProvider provider)
    {
        await using var web = await HostAsync(provider);
        await StaffTestKit.CreateUserAsync(web, "supervisor1", StaffRoles.Supervisor);
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "supervisor1");
        var wrong = Imei15[..14] + (char)('0' + ((Imei15[14] - '0' + 1) % 10));

        var response = await client.GetAsync($"/backoffice/evidence/{wrong}?lang=ru");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("IMEI не может быть показан", html, StringComparison.Ordinal);
    }

    internal static string Between(string html, string from, string to)
    {
        var start = html.IndexOf(from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"the page has no {from}");
        var end = html.IndexOf(to, start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("<tr class=\"(ev-[a-z]+)\" data-imsi=\"(\\d+)\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex TableRow();

    [GeneratedRegex("class=\"ev-answer [^\"]*\">([A-Z_]+)<")]
    private static partial Regex Answer();

    [GeneratedRegex("<div class=\"ev-label [^\"]*\" data-imsi=\"(\\d+)\"")]
    private static partial Regex LabelRow();

    [GeneratedRegex("<g class=\"ev-[a-z]+\" data-imsi=\"(\\d+)\">")]
    private static partial Regex CellGroup();
}

/// <summary>A clock stopped at one instant, for hosts under test.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
