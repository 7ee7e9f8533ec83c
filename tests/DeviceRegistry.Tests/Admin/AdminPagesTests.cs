using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Admin;

/// <summary>The audit log and staff administration pages over HTTP: who may open them, what they change, what they record.</summary>
public sealed partial class AdminPagesTests
{
    private static async Task AddEntryAsync(RegistryWebFactory web, string actor, string action, string subject, string? reason = null)
    {
        await using var db = web.Database.CreateContext();
        db.Add(new AuditEntry
        {
            At = new DateTime(2026, 11, 30, 21, 15, 0, DateTimeKind.Utc), ActorId = actor + "-id", ActorName = actor, Action = action, Subject = subject, Reason = reason,
            Before = "{\"status\":\"InReview\"}", After = "{\"status\":\"Approved\"}",
        });
        await db.SaveChangesAsync();
    }

    private static async Task<List<AuditEntry>> EntriesAsync(RegistryWebFactory web, string action)
    {
        await using var db = web.Database.CreateContext();
        return await db.Set<AuditEntry>().Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>A refusal: the host sends the wrong role to the access-denied page, which answers 403.</summary>
    internal static async Task AssertRefusedAsync(HttpClient client, HttpResponseMessage response, string what)
    {
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{what}: {(int)response.StatusCode}");
        var to = response.Headers.Location!.ToString();
        Assert.Contains("/backoffice/account/denied", to, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(to)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Clerks_and_reviewers_are_refused_the_audit_log_a_supervisor_reads_it_and_the_reading_is_audited(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "clerk", StaffRoles.Clerk, "Baku 1");
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "supervisor", StaffRoles.Supervisor);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        await AddEntryAsync(web, "reviewer7", AuditActions.AppealPaired, "appeal:AP-7K3Q-9X2M", "the applicant's own SIM");

        foreach (var name in new[] { "clerk", "reviewer" })
        {
            using var client = StaffTestKit.CreateClient(web);
            await StaffTestKit.SignInOrFailAsync(client, name);
            await AssertRefusedAsync(client, await client.GetAsync("/backoffice/audit"), name);
            await AssertRefusedAsync(client, await client.GetAsync("/backoffice/audit?format=csv"), name + " csv");
            Assert.DoesNotContain("/backoffice/audit\"", await client.GetStringAsync("/backoffice/appeals"), StringComparison.Ordinal);
        }

        Assert.Empty(await EntriesAsync(web, AuditActions.AuditViewed));

        using var supervisor = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(supervisor);
        await StaffTestKit.SignInOrFailAsync(supervisor, "supervisor");
        var html = await supervisor.GetStringAsync("/backoffice/audit?actor=reviewer7");
        Assert.Contains("href=\"/backoffice/audit\"", html, StringComparison.Ordinal); // the navigation link
        Assert.Contains("href=\"/backoffice/appeals/AP-7K3Q-9X2M\"", html, StringComparison.Ordinal);
        Assert.Contains("SIMs paired", html, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 01:15:00", html, StringComparison.Ordinal); // 21:15 UTC is 01:15 next day in Baku
        Assert.Contains("the applicant&#x27;s own SIM", html, StringComparison.Ordinal);
        Assert.Contains("<details", html, StringComparison.Ordinal);

        var viewed = Assert.Single(await EntriesAsync(web, AuditActions.AuditViewed));
        Assert.Equal("supervisor", viewed.ActorName);
        Assert.Contains("\"actorName\":\"reviewer7\"", viewed.After, StringComparison.Ordinal);

        var csv = await supervisor.GetStringAsync("/backoffice/audit?actor=reviewer7&format=csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at_utc,at_local,actor,action,subject,imei,reason,before,after", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("1,2026-11-30T21:15:00Z,2026-12-01 01:15:00,reviewer7,appeal.paired,appeal:AP-7K3Q-9X2M,,the applicant's own SIM,\"{\"\"status\"\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"purpose\":\"csv\"", (await EntriesAsync(web, AuditActions.AuditViewed))[^1].After, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync("/backoffice/audit?imei=12345")).StatusCode);

        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");
        Assert.Contains("AP-7K3Q-9X2M", await admin.GetStringAsync("/backoffice/audit"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_adds_a_clerk_and_the_clerk_signs_in_with_the_password_shown_once(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");

        var response = await StaffTestKit.PostFormAsync(admin, "/backoffice/staff?handler=Add",
            new Dictionary<string, string> { ["UserName"] = "clerk7", ["Role"] = StaffRoles.Clerk, ["Office"] = "Sumqayit Post Office 2" }, tokenFrom: "/backoffice/staff");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.True(response.Headers.CacheControl?.NoStore, "the answer with the password may be cached");
        var password = NewPassword().Match(html).Groups[1].Value;
        Assert.Equal(StaffPasswords.GeneratedLength, password.Length);

        // Shown once: the list does not show it again, the audit entry does not hold it.
        Assert.DoesNotContain(password, await admin.GetStringAsync("/backoffice/staff"), StringComparison.Ordinal);
        var added = Assert.Single(await EntriesAsync(web, AuditActions.UserAdded));
        Assert.Equal(("admin", "user:clerk7"), (added.ActorName, added.Subject));
        Assert.DoesNotContain(password, added.After, StringComparison.Ordinal);
        Assert.Contains("Sumqayit Post Office 2", added.After, StringComparison.Ordinal);

        using var clerk = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(clerk, "clerk7", password);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync("/backoffice/intake")).StatusCode);

        // A clerk without an office is refused with the use case's reason, and nothing is created.
        var refused = await StaffTestKit.PostFormAsync(admin, "/backoffice/staff?handler=Add",
            new Dictionary<string, string> { ["UserName"] = "clerk8", ["Role"] = StaffRoles.Clerk, ["Office"] = "" }, tokenFrom: "/backoffice/staff");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("a clerk works at a post office", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await EntriesAsync(web, AuditActions.UserAdded));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_disables_an_account_with_a_reason_and_it_can_no_longer_sign_in(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        await StaffTestKit.CreateUserAsync(web, "reviewer9", StaffRoles.Reviewer);
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");

        // Without a reason: refused, still active.
        var noReason = await StaffTestKit.PostFormAsync(admin, "/backoffice/staff?handler=Disable",
            new Dictionary<string, string> { ["UserName"] = "reviewer9", ["Reason"] = " " }, tokenFrom: "/backoffice/staff");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Empty(await EntriesAsync(web, AuditActions.UserDisabled));

        // One's own account: refused.
        var self = await StaffTestKit.PostFormAsync(admin, "/backoffice/staff?handler=Disable",
            new Dictionary<string, string> { ["UserName"] = "admin", ["Reason"] = "testing" }, tokenFrom: "/backoffice/staff");
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        var done = await StaffTestKit.PostFormAsync(admin, "/backoffice/staff?handler=Disable",
            new Dictionary<string, string> { ["UserName"] = "reviewer9", ["Reason"] = "left the service" }, tokenFrom: "/backoffice/staff");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var disabled = Assert.Single(await EntriesAsync(web, AuditActions.UserDisabled));
        Assert.Equal(("admin", "user:reviewer9", "left the service"), (disabled.ActorName, disabled.Subject, disabled.Reason));

        using var reviewer = StaffTestKit.CreateClient(web);
        var signIn = await StaffTestKit.SignInAsync(reviewer, "reviewer9");
        Assert.False(signIn.StatusCode == HttpStatusCode.Redirect && signIn.Headers.Location?.ToString().Contains("signin", StringComparison.OrdinalIgnoreCase) == false,
            "a disabled account signed in");
        Assert.Equal(HttpStatusCode.Redirect, (await reviewer.GetAsync("/backoffice/appeals")).StatusCode); // to the sign-in page

        Assert.Contains("ad-disabled", await admin.GetStringAsync("/backoffice/staff"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reviewer_is_refused_the_staff_page_and_its_crafted_posts_and_every_post_needs_the_antiforgery_token(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "clerk", StaffRoles.Clerk, "Baku 1");

        using var reviewer = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(reviewer, "reviewer");
        await AssertRefusedAsync(reviewer, await reviewer.GetAsync("/backoffice/staff"), "GET");
        var token = await StaffTestKit.AntiforgeryTokenAsync(reviewer, "/backoffice/account/security"); // a valid token of the reviewer's
        foreach (var (handler, fields) in new[]
                 {
                     ("Add", new Dictionary<string, string> { ["UserName"] = "mole", ["Role"] = StaffRoles.Admin }),
                     ("Disable", new Dictionary<string, string> { ["UserName"] = "admin", ["Reason"] = "crafted" }),
                 })
        {
            fields["__RequestVerificationToken"] = token;
            var response = await reviewer.PostAsync($"/backoffice/staff?handler={handler}", new FormUrlEncodedContent(fields));
            await AssertRefusedAsync(reviewer, response, handler);
        }

        Assert.Empty(await EntriesAsync(web, AuditActions.UserAdded));
        Assert.Empty(await EntriesAsync(web, AuditActions.UserDisabled));
        using (var admin2 = StaffTestKit.CreateClient(web))
        {
            await StaffTestKit.SignInOrFailAsync(admin2, "admin"); // not disabled
        }

        // The administrator's own POSTs without the token are refused too.
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");
        var noToken = await admin.PostAsync("/backoffice/staff?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "clerk9", ["Role"] = StaffRoles.Clerk, ["Office"] = "Baku 1",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        var disableNoToken = await admin.PostAsync("/backoffice/staff?handler=Disable", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "clerk", ["Reason"] = "no token",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, disableNoToken.StatusCode);
        Assert.Empty(await EntriesAsync(web, AuditActions.UserAdded));
        Assert.Empty(await EntriesAsync(web, AuditActions.UserDisabled));

        // With the token the same form works (the refusal above was the token).
        var withToken = await StaffTestKit.PostFormAsync(admin, "/backoffice/staff?handler=Add",
            new Dictionary<string, string> { ["UserName"] = "clerk9", ["Role"] = StaffRoles.Clerk, ["Office"] = "Baku 1" }, tokenFrom: "/backoffice/staff");
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
    }

    [GeneratedRegex("id=\"new-password\">([^<]+)<")]
    private static partial Regex NewPassword();
}
