using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Staff;

/// <summary>Lockout, two-step sign-in (enrolment, the code step, its enforcement), sign-out and their audit entries, over HTTP.</summary>
public sealed partial class StaffSignInFlowTests
{
    private const string SecurityPage = "/backoffice/account/security";

    private static readonly Dictionary<string, string?> TwoFactorRequired = new() { ["Staff:RequireTwoFactor"] = "true" };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task After_MaxFailedSignIns_failures_the_account_is_locked_even_for_the_right_password(DatabaseProvider provider)
    {
        var settings = new Dictionary<string, string?>(StaffTestKit.WithoutTwoFactor) { ["Staff:MaxFailedSignIns"] = "3" };
        await using var web = await RegistryWebFactory.CreateAsync(provider, settings);
        await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(client);

        for (var i = 1; i <= 2; i++)
        {
            var failed = await (await StaffTestKit.SignInAsync(client, "clerk1", "Wrong-password-123")).Content.ReadAsStringAsync();
            Assert.Contains("The user name or password is wrong.", failed, StringComparison.Ordinal);
        }

        var third = await (await StaffTestKit.SignInAsync(client, "clerk1", "Wrong-password-123")).Content.ReadAsStringAsync();
        Assert.Contains("the account is locked", third, StringComparison.Ordinal);
        var right = await StaffTestKit.SignInAsync(client, "clerk1");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("the account is locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknown = await StaffTestKit.SignInAsync(client, "ghost", "Wrong-password-123");
        Assert.Contains("The user name or password is wrong.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var db = web.Database.CreateContext();
        var failures = await db.Set<AuditEntry>().Where(a => a.Action == AuditActions.SignInFailed).OrderBy(a => a.Id).ToListAsync();
        Assert.All(failures, f => Assert.Equal(("anonymous", "anonymous"), (f.ActorId, f.ActorName)));
        Assert.Equal(
            ["user:clerk1 wrong password", "user:clerk1 wrong password", "user:clerk1 locked out", "user:clerk1 locked out", "user:ghost unknown user name"],
            failures.Select(f => $"{f.Subject} {f.Reason}"));
        Assert.Equal(0, await db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.SignedIn));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reviewer_enrols_an_authenticator_and_then_signs_in_with_password_and_code(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, TwoFactorRequired);
        await StaffTestKit.CreateUserAsync(web, "rev1", StaffRoles.Reviewer);
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(client);
        await StaffTestKit.SignInOrFailAsync(client, "rev1");

        var page = await client.GetStringAsync(SecurityPage);
        Assert.Contains("id=\"must-enrol\"", page, StringComparison.Ordinal);
        Assert.Contains("after 20 minutes without activity", page, StringComparison.Ordinal);
        var key = SharedKey().Match(page).Groups[1].Value;
        Assert.Matches("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", key);
        var compactKey = key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var uri = WebUtility.HtmlDecode(Uri().Match(page).Groups[1].Value);
        Assert.Equal($"otpauth://totp/DeviceRegistry:rev1?secret={compactKey}&issuer=DeviceRegistry&digits=6", uri);

        var wrong = await StaffTestKit.PostFormAsync(client, SecurityPage + "?handler=Enable", new Dictionary<string, string> { ["Code"] = WrongCode(compactKey) }, SecurityPage);
        Assert.Contains("The code does not match", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var enabled = await StaffTestKit.PostFormAsync(client, SecurityPage + "?handler=Enable",
            new Dictionary<string, string> { ["Code"] = Totp.Code(compactKey, DateTimeOffset.UtcNow) }, SecurityPage);
        var enabledPage = await enabled.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Contains("data-on=\"true\"", enabledPage, StringComparison.Ordinal);
        var recoveryCodes = RecoveryCode().Matches(enabledPage).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, recoveryCodes.Count);
        Assert.DoesNotContain("id=\"shared-key\"", enabledPage, StringComparison.Ordinal);

        // The session goes on (the cookie was renewed) and is no longer held at the security page.
        var home = await client.GetAsync("/backoffice");
        Assert.Equal("/backoffice/appeals", home.Headers.Location?.ToString());
        var again = await client.GetStringAsync(SecurityPage);
        Assert.DoesNotContain("recovery-codes", again, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await StaffTestKit.SignOutAsync(client)).StatusCode);
        var password = await StaffTestKit.SignInAsync(client, "rev1");
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/backoffice/account/signincode", password.Headers.Location!.ToString(), StringComparison.Ordinal);
        // The password alone opens nothing.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(SecurityPage)).StatusCode);

        var badCode = await StaffTestKit.PostFormAsync(client, "/backoffice/account/signincode", new Dictionary<string, string> { ["Code"] = WrongCode(compactKey) });
        Assert.Contains("The code is wrong or has expired.", await badCode.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var code = await StaffTestKit.PostFormAsync(client, "/backoffice/account/signincode",
            new Dictionary<string, string> { ["Code"] = Totp.Code(compactKey, DateTimeOffset.UtcNow.AddSeconds(30)) });
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/backoffice", code.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(SecurityPage)).StatusCode);

        // A recovery code works once in place of the authenticator.
        await StaffTestKit.SignOutAsync(client);
        await StaffTestKit.SignInAsync(client, "rev1");
        var recovery = await StaffTestKit.PostFormAsync(client, "/backoffice/account/signincode", new Dictionary<string, string> { ["Code"] = recoveryCodes[0] });
        Assert.Equal(HttpStatusCode.Redirect, recovery.StatusCode);
        await StaffTestKit.SignOutAsync(client);
        await StaffTestKit.SignInAsync(client, "rev1");
        var reused = await StaffTestKit.PostFormAsync(client, "/backoffice/account/signincode", new Dictionary<string, string> { ["Code"] = recoveryCodes[0] });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);

        await using var db = web.Database.CreateContext();
        var trail = await db.Set<AuditEntry>().Where(a => a.Subject == "user:rev1").OrderBy(a => a.Id).Select(a => a.Action + " " + a.Reason).ToListAsync();
        Assert.Equal(
        [
            "user.signed_in password", "user.two_factor_enabled ", "user.signed_out ", "user.sign_in_failed wrong authenticator code",
            "user.signed_in password and authenticator code", "user.signed_out ", "user.signed_in password and recovery code", "user.signed_out ",
            "user.sign_in_failed wrong recovery code",
        ], trail);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_two_factor_required_a_reviewer_without_it_reaches_only_enrolment_and_a_clerk_is_exempt(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, TwoFactorRequired);
        await StaffTestKit.CreateUserAsync(web, "rev1", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");

        using var reviewer = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(reviewer, "rev1");
        foreach (var path in new[] { "/backoffice", "/backoffice/appeals", "/backoffice/statistics", "/backoffice/appeals/1" })
        {
            var response = await reviewer.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(SecurityPage, response.Headers.Location?.ToString());
        }

        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync(SecurityPage)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/")).StatusCode);

        using var clerk = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(clerk, "clerk1");
        Assert.Equal("/backoffice/appeals", (await clerk.GetAsync("/backoffice")).Headers.Location?.ToString());
        var clerkSecurity = await clerk.GetStringAsync(SecurityPage);
        Assert.DoesNotContain("id=\"must-enrol\"", clerkSecurity, StringComparison.Ordinal);

        // Off (as in Development), a reviewer goes where a clerk goes.
        await using var relaxed = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(relaxed, "rev2", StaffRoles.Reviewer);
        using var relaxedReviewer = StaffTestKit.CreateClient(relaxed);
        await StaffTestKit.SignInOrFailAsync(relaxedReviewer, "rev2");
        Assert.Equal("/backoffice/appeals", (await relaxedReviewer.GetAsync("/backoffice")).Headers.Location?.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sign_out_ends_the_session_and_even_a_copy_of_the_cookie_stops_working(DatabaseProvider provider)
    {
        var clock = new ShiftedClock();
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        web.Clock = clock;
        await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");
        using var client = StaffTestKit.CreateClient(web);
        var signedIn = await StaffTestKit.SignInAsync(client, "clerk1");
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(StaffCookiePrefix, StringComparison.Ordinal)).Split(';')[0];
        using var copy = StaffTestKit.CreateClient(web);
        copy.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync(SecurityPage)).StatusCode);

        var signedOut = await StaffTestKit.SignOutAsync(client);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith(StaffCookiePrefix, StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(SecurityPage)).StatusCode);

        clock.Shift = TimeSpan.FromMinutes(2);
        var replayed = await copy.GetAsync(SecurityPage);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/backoffice/account/signin", replayed.Headers.Location!.ToString(), StringComparison.Ordinal);

        await using var db = web.Database.CreateContext();
        var trail = await db.Set<AuditEntry>().Where(a => a.Subject == "user:clerk1").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([AuditActions.SignedIn, AuditActions.SignedOut], trail.Select(a => a.Action));
        Assert.All(trail, a => Assert.Equal("clerk1", a.ActorName));
    }

    private const string StaffCookiePrefix = "devreg-staff=";

    /// <summary>A 6-digit code that matches none of the steps Identity accepts around now.</summary>
    private static string WrongCode(string key)
    {
        var near = Enumerable.Range(-3, 7).Select(step => Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(c => !near.Contains(c));
    }

    [GeneratedRegex("<code id=\"shared-key\">([^<]+)</code>")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<code id=\"authenticator-uri\">([^<]+)</code>")]
    private static partial Regex Uri();

    [GeneratedRegex("<li><code>([^<]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
