using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Admin;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Stolen;

/// <summary>The stolen devices page in headless Chromium: an administrator reports a device and opens the case; screenshots to look at.</summary>
public sealed class StolenBrowserTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_reports_a_stolen_device_through_the_page_and_reads_the_case(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        var root = web.StartKestrel();
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await AdminBrowserTests.SignedInPageAsync(browser, root, "admin");

        await page.GetByRole(AriaRole.Link, new() { Name = "Stolen devices", Exact = true }).ClickAsync();
        await page.Locator("#report-imeis").FillAsync("356938035643809\n353322112233441");
        await page.Locator("#report-case").FillAsync("NAS-2026-0913");
        await page.Locator("#report-by").FillAsync("Nasimi district police station");
        await page.Locator("#stolen-report button[type=submit]").ClickAsync();
        await Expect(page.Locator("#stolen-done")).ToContainTextAsync("Case NAS-2026-0913 reported");
        await Expect(page.Locator("#stolen-history tr[data-event=Blocked]")).ToHaveCountAsync(2);

        await page.Locator("#recover-imeis").FillAsync("356938035643809");
        await page.Locator("#recover-case").FillAsync("NAS-2026-0914");
        await page.Locator("#stolen-recover button[type=submit]").ClickAsync();
        await Expect(page.Locator("#stolen-errors")).ToContainTextAsync("has no open case numbered NAS-2026-0914");
        await Expect(page.Locator("#stolen-case")).ToHaveAttributeAsync("data-case", "NAS-2026-0913");
        await AdminBrowserTests.ShotAsync(page, "refused", provider, "stolen");

        await page.Locator("#recover-case").FillAsync("NAS-2026-0913");
        await page.Locator("#stolen-recover button[type=submit]").ClickAsync();
        await Expect(page.Locator("#stolen-history tr[data-event=Recovered]")).ToHaveCountAsync(1);
        var row = page.Locator("#stolen-cases tr[data-case='NAS-2026-0913']");
        await Expect(row).ToHaveAttributeAsync("data-status", "Blocked");
        await Expect(row.Locator("[data-imei='356938035643809']")).ToContainTextAsync("(recovered)");
        await AdminBrowserTests.ShotAsync(page, "case", provider, "stolen");
    }
}
