using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Admin;

/// <summary>The audit log and the staff page in headless Chromium, with screenshots to look at.</summary>
public sealed class AdminBrowserTests
{
    /// <summary>A page (English, 1280×900) signed in through the real sign-in form (two-step sign-in off).</summary>
    internal static async Task<IPage> SignedInPageAsync(IBrowser browser, Uri root, string userName)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(root, "/backoffice/account/signin?lang=en").ToString());
        await page.Locator("#UserName").FillAsync(userName);
        await page.Locator("#Password").FillAsync(StaffTestKit.Password);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("signin"));
        return page;
    }

    /// <summary>A full-page screenshot under screenshots/, named PREFIX-NAME-PROVIDER.png.</summary>
    internal static async Task ShotAsync(IPage page, string name, DatabaseProvider provider, string prefix = "admin")
    {
        Directory.CreateDirectory(PublicPageBrowserTests.ScreenshotDirectory);
        var path = Path.Combine(PublicPageBrowserTests.ScreenshotDirectory, $"{prefix}-{name}-{provider}.png".ToLowerInvariant());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, "the screenshot holds a rendered page");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_adds_an_account_reads_its_entry_in_the_audit_log_and_opens_the_details(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        var root = web.StartKestrel(); // before anything builds the host
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await using (var db = web.Database.CreateContext())
        {
            db.Add(new AuditEntry
            {
                At = DateTime.UtcNow.AddMinutes(-30), ActorId = "r", ActorName = "reviewer", Action = AuditActions.AppealRejected,
                Subject = "appeal:AP-7K3Q-9X2M", Reason = "the numbers named were never used in this phone",
                Before = "{\"status\":\"InReview\",\"version\":3}", After = "{\"status\":\"Rejected\",\"version\":4,\"outcome\":\"Rejected\"}",
            });
            await db.SaveChangesAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await SignedInPageAsync(browser, root, "admin");

        await page.GetByRole(AriaRole.Link, new() { Name = "Staff", Exact = true }).ClickAsync();
        await page.Locator("#staff-add input[name=UserName]").FillAsync("clerk5");
        await page.Locator("#staff-add select[name=Role]").SelectOptionAsync(StaffRoles.Clerk);
        await page.Locator("#staff-add input[name=Office]").FillAsync("Baku Post Office 5");
        await page.Locator("#staff-add button[type=submit]").ClickAsync();
        await Expect(page.Locator("#new-password")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Za-z0-9]{20}$"));
        await Expect(page.Locator("#staff tr[data-user=clerk5]")).ToContainTextAsync("Baku Post Office 5");
        await ShotAsync(page, "staff", provider);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }).ClickAsync();
        var rejected = page.Locator("#audit tr[data-action='appeal.rejected']");
        await Expect(rejected).ToContainTextAsync("Appeal rejected");
        await rejected.Locator("summary").ClickAsync();
        await Expect(rejected.Locator("pre").Last).ToBeVisibleAsync();
        await Expect(page.Locator("#audit tr[data-action='user.added']")).ToContainTextAsync("user:clerk5");
        await ShotAsync(page, "audit", provider);
        await Expect(rejected.Locator("a")).ToHaveAttributeAsync("href", "/backoffice/appeals/AP-7K3Q-9X2M");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_reads_the_scheduled_jobs_runs_one_now_and_adds_an_operator(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        var root = web.StartKestrel();
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        await using (var db = web.Database.CreateContext())
        {
            db.Operators.Add(new Operator { Name = "Azercell", CreatedAt = DateTime.UtcNow.AddDays(-3) });
            await db.SaveChangesAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await SignedInPageAsync(browser, root, "admin");

        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        var enforcement = page.Locator("[data-job='registrations.registration-enforcement']");
        await Expect(enforcement).ToContainTextAsync("0 30 0 * * ?");
        await enforcement.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator("#jobs-notice")).ToContainTextAsync("registrations.registration-enforcement was started");
        await ShotAsync(page, "jobs", provider);

        await page.GetByRole(AriaRole.Link, new() { Name = "Operators", Exact = true }).ClickAsync();
        await page.Locator("#operator-add input[name=Name]").FillAsync("Bakcell");
        await page.Locator("#operator-add button[type=submit]").ClickAsync();
        await Expect(page.Locator("#new-secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^eir_[0-9]+_[A-Za-z0-9_-]{43}$"));
        await Expect(page.Locator("#operators tr[data-operator=Bakcell]")).ToContainTextAsync("set");
        await Expect(page.Locator("#operators tr[data-operator=Azercell]")).ToContainTextAsync("none");
        await page.Locator("#operators tr[data-operator=Azercell] summary").ClickAsync();
        await ShotAsync(page, "operators", provider);
    }

    [Fact]
    public async Task An_admin_follows_the_jobs_page_to_the_background_jobs_dashboard_and_sees_the_delivery_job_succeeded()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = DeviceRegistry.Tests.Jobs.BackgroundJobsTests.HangfireOn(db);
        foreach (var (key, value) in StaffTestKit.WithoutTwoFactor)
        {
            settings[key] = value;
        }

        await using var web = RegistryWebFactory.On(db, settings);
        var root = web.StartKestrel();
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        var job = web.Services.GetRequiredService<DeviceRegistry.Infrastructure.BackgroundWork>().EnqueueSmsDelivery();
        var monitoring = web.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        for (var i = 0; i < 300 && monitoring.JobDetails(job).History[0].StateName != "Succeeded"; i++)
        {
            await Task.Delay(100);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await SignedInPageAsync(browser, root, "admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Expect(page.Locator("#background-jobs")).ToContainTextAsync("the operators' lists export");
        await ShotAsync(page, "jobs-background-link", DatabaseProvider.Sqlite);

        await page.Locator("#background-dashboard").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/jobs/background"));
        await page.GotoAsync(new Uri(root, "/backoffice/jobs/background/jobs/succeeded").ToString());
        await Expect(page.Locator("body")).ToContainTextAsync("SmsDeliveryJob.DeliverAsync");
        await ShotAsync(page, "jobs-background-dashboard", DatabaseProvider.Sqlite);
    }
}
