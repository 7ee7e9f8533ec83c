using System.Net;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using DeviceRegistry.Stolen;
using DeviceRegistry.Tests.Admin;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Stolen;

/// <summary>/backoffice/stolen over HTTP: an administrator reports, finds and recovers a case; refusals; who may use it.</summary>
public sealed class StolenPageTests
{
    private const string Url = "/backoffice/stolen";
    private const string First = "356938035643809";
    private const string Second = "353322112233441";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, string imeis, string caseNumber, string? reportedBy = null)
    {
        var fields = new Dictionary<string, string> { ["Imeis"] = imeis, ["CaseNumber"] = caseNumber };
        if (reportedBy is not null)
        {
            fields["ReportedBy"] = reportedBy;
        }

        return StaffTestKit.PostFormAsync(client, Url + "?handler=" + handler, fields, tokenFrom: Url);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_reports_a_case_reads_its_history_and_recovers_it_with_the_matching_case_number_all_audited(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(admin);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");

        var empty = await admin.GetStringAsync(Url);
        Assert.Contains("No cases match.", empty, StringComparison.Ordinal);
        Assert.Contains("href=\"/backoffice/stolen\"", empty, StringComparison.Ordinal);

        // One bad IMEI among three: refused whole, in English, nothing written.
        var bad = await PostAsync(admin, "Report", $"{First}\n356938035643808\n{Second}", "YAS-17/2026", "Yasamal police station");
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("&#x27;356938035643808&#x27; is not an IMEI", badHtml, StringComparison.Ordinal);
        await using (var db = web.Database.CreateContext())
        {
            Assert.False(await db.Set<StolenCase>().AnyAsync());
            Assert.False(await db.Set<ImeiBlock>().AnyAsync());
        }

        var report = await PostAsync(admin, "Report", $"{First}, {Second}", "YAS-17/2026", "Yasamal police station");
        Assert.Equal(HttpStatusCode.Redirect, report.StatusCode);
        var location = report.Headers.Location!.ToString();
        Assert.Equal("/backoffice/stolen?case=YAS-17%2F2026&done=reported", location);
        var shown = await admin.GetStringAsync(location);
        Assert.Contains("Case YAS-17/2026 reported: its IMEIs are blocked.", shown, StringComparison.Ordinal);
        Assert.Contains("data-case=\"YAS-17/2026\" data-status=\"Blocked\"", shown, StringComparison.Ordinal);
        Assert.Contains("Reported by Yasamal police station at ", shown, StringComparison.Ordinal);
        Assert.Equal(1, Count(shown, "data-event=\"Reported\""));
        Assert.Equal(2, Count(shown, "data-event=\"Blocked\""));

        // Found by either IMEI (14 digits too) or by its number; filtered out by the other status.
        Assert.Contains("data-case=\"YAS-17/2026\"", await admin.GetStringAsync(Url + "?q=35332211223344"), StringComparison.Ordinal);
        Assert.Contains("data-case=\"YAS-17/2026\"", await admin.GetStringAsync(Url + "?q=YAS-17%2F2026&status=Blocked"), StringComparison.Ordinal);
        Assert.Contains("No cases match.", await admin.GetStringAsync(Url + "?status=Recovered"), StringComparison.Ordinal);
        Assert.Contains("No cases match.", await admin.GetStringAsync(Url + "?q=356938035643817"), StringComparison.Ordinal);

        var again = await PostAsync(admin, "Report", Second, "YAS-18/2026", "owner");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("IMEI 353322112233441 is already in open case YAS-17/2026.", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var wrong = await PostAsync(admin, "Recover", First, "YAS-18/2026");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("IMEI 356938035643809 has no open case numbered YAS-18/2026: give the case number it was reported under.",
            await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var recover = await PostAsync(admin, "Recover", $"{First}\n{Second}", "YAS-17/2026");
        Assert.Equal(HttpStatusCode.Redirect, recover.StatusCode);
        var recovered = await admin.GetStringAsync(recover.Headers.Location!.ToString());
        Assert.Contains("Recovery recorded on case YAS-17/2026.", recovered, StringComparison.Ordinal);
        Assert.Contains("data-case=\"YAS-17/2026\" data-status=\"Recovered\"", recovered, StringComparison.Ordinal);
        Assert.Equal(2, Count(recovered, "data-event=\"Recovered\""));

        await using (var db = web.Database.CreateContext())
        {
            var entries = await db.Set<AuditEntry>().Where(a => a.Subject == "stolen:YAS-17/2026").OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(
                [AuditActions.StolenReported, AuditActions.StolenReported, AuditActions.StolenRecovered, AuditActions.StolenRecovered],
                entries.Select(e => e.Action));
            Assert.All(entries, e => Assert.Equal("admin", e.ActorName));
            Assert.Equal([35693803564380L, 35332211223344L, 35693803564380L, 35332211223344L], entries.Select(e => e.Imei!.Value));
            Assert.False(await db.Set<ImeiBlock>().AnyAsync(b => b.LiftedAt == null));
        }

        // The audit log words the new actions.
        var audit = await admin.GetStringAsync("/backoffice/audit?subject=stolen:YAS-17/2026&exact=true");
        Assert.Contains("Reported stolen", audit, StringComparison.Ordinal);
        Assert.Contains("Stolen device recovered", audit, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reviewer_or_supervisor_is_refused_the_page_and_its_posts_and_a_post_without_the_token_changes_nothing(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "supervisor", StaffRoles.Supervisor);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        foreach (var name in new[] { "reviewer", "supervisor" })
        {
            using var client = StaffTestKit.CreateClient(web);
            await StaffTestKit.SignInOrFailAsync(client, name);
            await AdminPagesTests.AssertRefusedAsync(client, await client.GetAsync(Url), name + " GET");
            Assert.DoesNotContain("href=\"/backoffice/stolen\"", await client.GetStringAsync("/backoffice/appeals"), StringComparison.Ordinal);
            var token = await StaffTestKit.AntiforgeryTokenAsync(client, "/backoffice/account/security");
            var post = await client.PostAsync(Url + "?handler=Report", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Imeis"] = First, ["CaseNumber"] = "MOLE-" + name, ["ReportedBy"] = name, ["__RequestVerificationToken"] = token,
            }));
            await AdminPagesTests.AssertRefusedAsync(client, post, name + " POST report");
        }

        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");
        var tokenless = await admin.PostAsync(Url + "?handler=Report", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Imeis"] = First, ["CaseNumber"] = "NO-TOKEN", ["ReportedBy"] = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, tokenless.StatusCode);

        await using var db = web.Database.CreateContext();
        Assert.False(await db.Set<StolenCase>().AnyAsync());
        Assert.False(await db.Set<ImeiBlock>().AnyAsync());
        Assert.False(await db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.StolenReported));
    }

    private static int Count(string html, string text)
    {
        var count = 0;
        for (var i = html.IndexOf(text, StringComparison.Ordinal); i >= 0; i = html.IndexOf(text, i + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
