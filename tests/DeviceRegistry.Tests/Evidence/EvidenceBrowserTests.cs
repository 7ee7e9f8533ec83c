using System.Globalization;
using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.Playwright;
using static DeviceRegistry.Tests.Evidence.EvidenceTestKit;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Evidence;

/// <summary>The evidence page of a heavily cloned IMEI (150 SIMs over six months) in headless Chromium, with screenshots to look at.</summary>
public sealed class EvidenceBrowserTests
{
    internal const long CloneKey = 86_754_300_000_017;

    internal static string Imsi(int i) => "40002" + (1_000_000_000 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The genuine SIM almost every day from 1 June; 149 copies, each in use for a stretch of 3 to 40 days
    /// somewhere in the six months, every one to three days; the applicant's SIM is copy 7. Verdict on 15 Sep.
    /// </summary>
    internal static async Task SeedCloneAsync(TestDatabase db)
    {
        var from = new DateOnly(2026, 6, 1);
        await SeeAsync(db, CloneKey, Imsi(0), "994500000000", "Azercell", [.. Range(from, new DateOnly(2026, 11, 30)).Where(d => d.Day % 9 != 0)]);
        string[] operators = ["Azercell", "Bakcell", "Nar"];
        for (var i = 1; i < 150; i++)
        {
            var start = from.AddDays((i * 37) % 175);
            var length = 3 + ((i * 13) % 38);
            var every = 1 + (i % 3);
            var days = Range(start, start.AddDays(length)).Where((_, k) => k % every == 0).Where(d => d <= new DateOnly(2026, 11, 30)).ToArray();
            await SeeAsync(db, CloneKey, Imsi(i), "9945" + (10_000_000 + (i * 7919)).ToString(CultureInfo.InvariantCulture), operators[i % 3], days);
        }

        await CloneAsync(db, CloneKey, new DateOnly(2026, 9, 15), Imsi(0), [Imsi(0), Imsi(3), Imsi(11), Imsi(40)]);
        await RegisterAsync(db, CloneKey, "Leyla Həsənova", "100000000025", new DateOnly(2026, 6, 2));
        await AppealAsync(db, CloneKey, "AP-BIG1-0007", "Gəncə 2", AppealStatus.InReview, new DateTime(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc),
            numbers: "9945" + (10_000_000 + (7 * 7919)).ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_evidence_of_150_sims_over_six_months_renders_with_labels_in_view(DatabaseProvider provider)
    {
        await using var web = await EvidencePageTests.HostAsync(provider);
        await SeedCloneAsync(web.Database);
        var root = web.StartKestrel();
        await StaffTestKit.CreateUserAsync(web, "reviewer1", StaffRoles.Reviewer);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(root, "backoffice/account/signin?lang=en").ToString());
        await page.Locator("#UserName").FillAsync("reviewer1");
        await page.Locator("#Password").FillAsync(StaffTestKit.Password);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();

        await page.GotoAsync(new Uri(root, $"backoffice/evidence/{new Imei(CloneKey).WithCheckDigit}?appeal=AP-BIG1-0007").ToString());
        await Expect(page.Locator(".ev-labels .ev-label")).ToHaveCountAsync(150);
        await Expect(page.Locator(".ev-labels .ev-label").First).ToContainTextAsync(Imsi(0));
        await Expect(page.Locator(".ev-labels .ev-label").First).ToContainTextAsync("genuine");
        await Expect(page.Locator(".ev-labels .ev-label.ev-applicant")).ToHaveCountAsync(1);
        await Expect(page.Locator("link[href*='evidence.css']")).ToHaveCountAsync(1);
        await Expect(page.Locator("g.ev-genuine rect").First).ToHaveCSSAsync("fill", "rgb(30, 123, 69)"); // the stylesheet is served

        // Rows compress but stay legible: at least 13 px per SIM, label text at least 10 px.
        var rowHeight = await page.Locator(".ev-labels .ev-label").Nth(10).EvaluateAsync<double>("e => e.getBoundingClientRect().height");
        Assert.InRange(rowHeight, 13, 20);
        var fontSize = await page.Locator(".ev-labels .ev-imsi").Nth(10).EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
        Assert.True(double.Parse(fontSize.Replace("px", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) >= 10, fontSize);

        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var top = Path.Combine(dir, $"evidence-150-sims-{provider}.png".ToLowerInvariant());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = top });

        // Scrolled right and down inside the chart, the SIM labels and the month header stay in view.
        await page.Locator(".ev-scroll").EvaluateAsync("e => { e.scrollTop = 900; e.scrollLeft = 600; }");
        var labelLeft = await page.Locator(".ev-labels").EvaluateAsync<double>("e => e.getBoundingClientRect().left - e.closest('.ev-scroll').getBoundingClientRect().left");
        var headTop = await page.Locator(".ev-head").EvaluateAsync<double>("e => e.getBoundingClientRect().top - e.closest('.ev-scroll').getBoundingClientRect().top");
        Assert.InRange(labelLeft, -1, 2);
        Assert.InRange(headTop, -1, 2);
        await page.Locator(".ev-scroll").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, $"evidence-150-sims-scrolled-{provider}.png".ToLowerInvariant()) });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, $"evidence-150-sims-full-{provider}.png".ToLowerInvariant()), FullPage = true });
        Assert.True(new FileInfo(top).Length > 20_000, "the screenshot holds a rendered page");
    }
}
