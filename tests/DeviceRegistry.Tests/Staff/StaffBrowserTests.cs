using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Staff;

/// <summary>
/// A reviewer's first sign-in in headless Chromium with two factors required (as in service): the sign-in page,
/// a wrong password, the enrolment the back office insists on, and the authenticator-code step afterwards.
/// </summary>
public sealed class StaffBrowserTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reviewer_enrols_an_authenticator_at_the_first_sign_in_and_then_signs_in_with_a_code(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider); // Testing: Staff:RequireTwoFactor is on
        var root = web.StartKestrel();
        await StaffTestKit.CreateUserAsync(web, "reviewer1", StaffRoles.Reviewer);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1100, Height = 800 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(root, "/backoffice/appeals").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/account/signin"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "az");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await page.Locator("#UserName").FillAsync("reviewer1");
        await page.Locator("#Password").FillAsync("not-the-password-1A");
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("The user name or password is wrong.");
        await Shots.TakeAsync(page, "staff-sign-in-error", provider);

        await page.Locator("#Password").FillAsync(StaffTestKit.Password);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/account/security"));
        await Expect(page.Locator("#must-enrol")).ToBeVisibleAsync();
        await Shots.TakeAsync(page, "staff-security-enrol", provider);

        // Nothing else is reachable until the second factor is on.
        await page.GotoAsync(new Uri(root, "/backoffice/appeals").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/account/security"));

        var key = (await page.Locator("#shared-key").InnerTextAsync()).Replace(" ", string.Empty, StringComparison.Ordinal);
        await page.Locator("#enable-two-factor input[name=Code]").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.Locator("#enable-two-factor button[type=submit]").ClickAsync();
        await Expect(page.Locator("#two-factor-state")).ToHaveAttributeAsync("data-on", "true");
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Shots.TakeAsync(page, "staff-security-enrolled", provider);

        await page.GotoAsync(new Uri(root, "/backoffice/appeals").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/appeals"));

        // Signed out, the next sign-in asks for a code after the password.
        await page.Locator("form.bo-signout button").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/account/signin"));
        await page.Locator("#UserName").FillAsync("reviewer1");
        await page.Locator("#Password").FillAsync(StaffTestKit.Password);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/account/signincode"));
        await Shots.TakeAsync(page, "staff-sign-in-code", provider);
    }
}

/// <summary>Screenshots of back-office pages, to look at after a run.</summary>
internal static class Shots
{
    public static async Task TakeAsync(IPage page, string name, DatabaseProvider provider)
    {
        Directory.CreateDirectory(PublicPageBrowserTests.ScreenshotDirectory);
        var path = Path.Combine(PublicPageBrowserTests.ScreenshotDirectory, $"{name}-{provider}.png".ToLowerInvariant());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 5_000, "the screenshot holds a rendered page");
    }
}
