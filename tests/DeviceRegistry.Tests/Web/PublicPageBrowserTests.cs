using System.Globalization;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Web;

/// <summary>A citizen's visit in headless Chromium against the host on a real 127.0.0.1 socket.</summary>
public sealed class PublicPageBrowserTests
{
    /// <summary>Where the screenshots go, to look at after a run.</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_citizen_checks_an_imei_in_each_language_and_the_choice_is_remembered(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var today = WebTestData.Today;
        await web.Database.AddTacAsync(35761300, "Samsung", "Galaxy A54 5G");
        await web.Database.AddTacAsync(49015420, "Xiaomi", "Redmi Note 12");
        await web.Database.AddSeenAsync("357613004448485", today.AddDays(-12), today.AddDays(-12));
        await web.Database.AddSeenAsync("490154203237518", today.AddDays(-90), today.AddDays(-90));
        await web.Database.AddCloneStatusAsync("490154203237518", CloneStatusValues.Clone, "400011234500001");
        var root = web.StartKestrel();
        Assert.Equal("127.0.0.1", root.Host);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 900, Height = 900 } });
        var page = await context.NewPageAsync();
        Directory.CreateDirectory(ScreenshotDirectory);

        // The page opens in Azerbaijani even for a browser set to English, until the reader picks a language.
        await page.GotoAsync(root.ToString());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "az");
        await Expect(page.Locator("header.top")).ToHaveCSSAsync("background-color", "rgb(11, 92, 173)"); // the stylesheet is served

        var deadline = today.AddDays(17); // first seen 12 days ago = day 1; day 30 is 17 days ahead
        var visits = new (string LinkName, string Language, string Label, string Button, string Imei, string Title, string Phrase)[]
        {
            ("Русский", "ru", "Номер IMEI", "Проверить", "490154203237518", "Клон", "скопирован на другие устройства"),
            ("English", "en", "IMEI number", "Check", "357613004448485", "Registration needed",
                "Register it by " + deadline.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)),
            ("Azərbaycanca", "az", "IMEI nömrəsi", "Yoxla", "357613004448480", "Düzgün IMEI deyil", "Son rəqəm"),
        };
        foreach (var visit in visits)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = visit.LinkName }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", visit.Language);

            await page.GetByLabel(visit.Label).FillAsync(visit.Imei);
            await page.GetByRole(AriaRole.Button, new() { Name = visit.Button }).ClickAsync();

            var result = page.Locator("#result");
            await Expect(result.Locator("h2")).ToHaveTextAsync(visit.Title);
            await Expect(result).ToContainTextAsync(visit.Phrase);
            var screenshot = Path.Combine(ScreenshotDirectory, $"public-page-{visit.Language}-{provider}.png".ToLowerInvariant());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot holds a rendered page");

            // A fresh visit to the bare address, as after closing the tab, keeps the language.
            await page.GotoAsync(root.ToString());
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", visit.Language);
            await Expect(page.GetByLabel(visit.Label)).ToBeVisibleAsync();
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_citizen_follows_an_appeal_in_each_language(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        await web.Database.AddAppealAsync("AP-7K3Q-9X2M", DeviceRegistry.Appeals.AppealStatus.AwaitingConfirmation, decidedAt: AppealTestData.FiledAt.AddDays(2));
        var decided = new DateTime(2026, 11, 12, 8, 0, 0, DateTimeKind.Utc);
        await web.Database.AddAppealAsync("AP-4D7R-2H9T", DeviceRegistry.Appeals.AppealStatus.Approved, decidedAt: decided, confirmedAt: decided, closedAt: decided);
        var root = web.StartKestrel();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU", ViewportSize = new ViewportSize { Width = 900, Height = 900 } });
        var page = await context.NewPageAsync();
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.GotoAsync(root.ToString());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "az");

        var visits = new (string LinkName, string Language, string Label, string Button, string Typed, string Status, string Title, string Phrase)[]
        {
            ("English", "en", "Tracking number", "Follow", "ap7k3q9x2m", "in_review", "In review", "A decision is due by 17 November 2026"),
            ("Русский", "ru", "Номер отслеживания", "Отследить", "AP-4D7R-2H9T", "decided_approved", "Удовлетворено", "удовлетворено 12.11.2026"),
            ("Azərbaycanca", "az", "İzləmə nömrəsi", "İzlə", "AP-7K3Q-9X2", "malformed", "İzləmə nömrəsi deyil", "AP-7K3Q-9X2M"),
        };
        foreach (var visit in visits)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = visit.LinkName }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", visit.Language);

            await page.GetByLabel(visit.Label, new() { Exact = true }).FillAsync(visit.Typed);
            await page.GetByRole(AriaRole.Button, new() { Name = visit.Button, Exact = true }).ClickAsync();

            var result = page.Locator("#appeal-result");
            await Expect(result).ToHaveAttributeAsync("data-status", visit.Status);
            await Expect(result.Locator("h2")).ToHaveTextAsync(visit.Title);
            await Expect(result).ToContainTextAsync(visit.Phrase);
            await Expect(page.GetByLabel(visit.Label, new() { Exact = true })).ToHaveValueAsync(visit.Typed);
            await Expect(page.Locator("#result")).ToHaveCountAsync(0); // an appeal, not an IMEI check
            var screenshot = Path.Combine(ScreenshotDirectory, $"public-appeal-{visit.Language}-{provider}.png".ToLowerInvariant());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot holds a rendered page");
        }
    }
}
