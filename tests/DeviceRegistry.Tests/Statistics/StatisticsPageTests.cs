using System.Net;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Evidence;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using DeviceRegistry.Web.Eir;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Statistics;

public sealed class StatisticsPageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_supervisor_sees_the_figures_and_downloads_each_series_and_a_reviewer_is_refused(DatabaseProvider provider)
    {
        await using var web = await EvidencePageTests.HostAsync(provider);
        await AppealStatisticsTests.SeedAsync(web.Database);
        await StaffTestKit.CreateUserAsync(web, "supervisor1", StaffRoles.Supervisor);
        await StaffTestKit.CreateUserAsync(web, "reviewer1", StaffRoles.Reviewer);
        using var supervisor = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(supervisor, "supervisor1");

        var html = WebUtility.HtmlDecode(await supervisor.GetStringAsync("/backoffice/statistics?lang=en&weeks=3"));
        Assert.Contains("<dd id=\"median\">6.0 days</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"p90\">15.2 days</dd>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"overdue-count\">2</span>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-office=\"Gəncə 2\"><td>Gəncə 2</td><td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">1</td>", html, StringComparison.Ordinal);
        Assert.Equal(4, html.Split("<svg class=\"st-chart").Length - 1); // outcomes, offices, clones, refused

        var csv = await supervisor.GetAsync("/backoffice/statistics?format=csv&series=refused&weeks=3");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("week_start,refused,answers\r\n2026-11-16,5,100\r\n2026-11-23,7,10\r\n2026-11-30,2,2\r\n", await csv.Content.ReadAsStringAsync());
        Assert.Equal("decided,median_days,p90_days\r\n5,6,15.2\r\n", await supervisor.GetStringAsync("/backoffice/statistics?format=csv&series=decision-time"));
        Assert.StartsWith("outcome,appeals\r\nPaired,2\r\nLifted,1\r\n", await supervisor.GetStringAsync("/backoffice/statistics?format=csv&series=outcomes"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync("/backoffice/statistics?format=csv&series=nothing")).StatusCode);

        using var reviewer = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(reviewer, "reviewer1");
        var refused = await reviewer.GetAsync("/backoffice/statistics?format=csv&series=refused");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/backoffice/account/denied", refused.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_answer_counter_adds_to_the_day_and_status_it_counted(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        using var counter = new EirAnswerCounter(db.Database, NullLogger<EirAnswerCounter>.Instance);
        var day = new DateOnly(2026, 12, 1);
        for (var i = 0; i < 3; i++)
        {
            counter.Count(day, EquipmentStatus.Blacklisted);
        }

        counter.Count(day, EquipmentStatus.Whitelisted);
        counter.Count(day.AddDays(-1), EquipmentStatus.Blacklisted);
        await counter.FlushAsync(CancellationToken.None);
        counter.Count(day, EquipmentStatus.Blacklisted);
        await counter.FlushAsync(CancellationToken.None);
        await counter.FlushAsync(CancellationToken.None); // nothing new: nothing added

        await using var context = db.CreateContext();
        var rows = (await context.Set<EirAnswerCount>().ToListAsync()).OrderBy(r => r.Day).ThenBy(r => r.EquipmentStatus, StringComparer.Ordinal)
            .Select(r => (r.Day, r.EquipmentStatus, r.Answers));
        Assert.Equal([(day.AddDays(-1), "BLACKLISTED", 1L), (day, "BLACKLISTED", 4L), (day, "WHITELISTED", 1L)], rows);
    }

    [Fact]
    public void Counting_an_answer_allocates_nothing()
    {
        var database = new RegistryDatabase(DatabaseOptions.For(DatabaseProvider.Sqlite, "Data Source=:memory:"));
        using var counter = new EirAnswerCounter(database, NullLogger<EirAnswerCounter>.Instance);
        var day = new DateOnly(2026, 12, 1);
        counter.Count(day, EquipmentStatus.Greylisted);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            counter.Count(day.AddDays(i % 3), (EquipmentStatus)(i % 4));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_statistics_page_in_a_browser(DatabaseProvider provider)
    {
        await using var web = await EvidencePageTests.HostAsync(provider);
        await AppealStatisticsTests.SeedAsync(web.Database);
        var root = web.StartKestrel();
        await StaffTestKit.CreateUserAsync(web, "supervisor1", StaffRoles.Supervisor);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } })).NewPageAsync();
        await page.GotoAsync(new Uri(root, "backoffice/account/signin?lang=en").ToString());
        await page.Locator("#UserName").FillAsync("supervisor1");
        await page.Locator("#Password").FillAsync(StaffTestKit.Password);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await page.GotoAsync(new Uri(root, "backoffice/statistics?weeks=8").ToString());

        await Expect(page.Locator("#median")).ToHaveTextAsync("6.0 days");
        await Expect(page.Locator(".st-refused .st-bar").First).ToHaveCSSAsync("fill", "rgb(176, 42, 42)");
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var shot = Path.Combine(dir, $"statistics-{provider}.png".ToLowerInvariant());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 20_000);
    }
}
