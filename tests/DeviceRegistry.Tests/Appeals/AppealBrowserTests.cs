using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DeviceRegistry.Tests.Appeals;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// The back office in headless Chromium against the host on a real socket, with the EIR answering an
/// operator: a clerk files, a reviewer pairs and the EIR admits the applicant's SIM within seconds while the
/// other new SIM stays refused; a lift takes a reviewer's proposal and another person's confirmation.
/// </summary>
public sealed class AppealBrowserTests
{
    private const string LiftImei = "35467211777777";

    private static async Task<string> EirAsync(HttpClient client, string imei14, string imsi)
    {
        using var response = await client.GetAsync(new Uri(
            $"/n5g-eir-eic/v1/equipment-status?pei=imei-{new Imei(long.Parse(imei14, CultureInfo.InvariantCulture)).WithCheckDigit}&supi=imsi-{imsi}", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString()!;
    }

    private static async Task<string> EventuallyAsync(Func<Task<string>> probe, Func<string, bool> done)
    {
        var last = await probe();
        for (var i = 0; i < 100 && !done(last); i++)
        {
            await Task.Delay(100);
            last = await probe();
        }

        return last;
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, Uri root, string user)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(root, "/backoffice/account/signin").ToString());
        await page.Locator("#UserName").FillAsync(user);
        await page.Locator("#Password").FillAsync(StaffTestKit.Password);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/backoffice/appeals"));
        return page;
    }

    /// <summary>A POST crafted in the page with its own anti-forgery token, as a curious user could.</summary>
    private static Task<int> CraftedPostAsync(IPage page, string tracking, string handler) => page.EvaluateAsync<int>(
        """
        async ([tracking, handler]) => {
            const body = new FormData();
            body.append('__RequestVerificationToken', document.querySelector('input[name=__RequestVerificationToken]').value);
            body.append('Version', '99');
            const r = await fetch(`/backoffice/appeals/${tracking}?handler=${handler}`, { method: 'POST', body, redirect: 'manual' });
            return r.status;
        }
        """, new[] { tracking, handler });

    private static async Task ShotAsync(IPage page, string name, DatabaseProvider provider)
    {
        Directory.CreateDirectory(PublicPageBrowserTests.ScreenshotDirectory);
        var path = Path.Combine(PublicPageBrowserTests.ScreenshotDirectory, $"appeals-{name}-{provider}.png".ToLowerInvariant());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, "the screenshot holds a rendered page");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clerk_files_a_reviewer_pairs_and_the_eir_admits_the_applicants_sim_only(DatabaseProvider provider)
    {
        var settings = new Dictionary<string, string?>(StaffTestKit.WithoutTwoFactor)
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:PollIntervalMilliseconds"] = "50",
        };
        await using var web = await RegistryWebFactory.CreateAsync(provider, settings);
        var db = web.Database;
        // The genuine SIM was on the IMEI when it was flagged (allowed); two SIMs came later, one the applicant's.
        await db.AddCloneStatusAsync(AppealFixture.CloneImei, CloneStatusValues.Clone, AppealFixture.GenuineImsi, AppealFixture.GenuineImsi);
        await db.AddSightingsAsync(AppealFixture.CloneImei, (AppealFixture.GenuineImsi, "994507654321"),
            (AppealFixture.ApplicantImsi, AppealFixture.ApplicantNumber), (AppealFixture.OtherImsi, AppealFixture.OtherNumber));
        await db.AddCloneStatusAsync(LiftImei, CloneStatusValues.Clone, AppealFixture.GenuineImsi, AppealFixture.GenuineImsi);
        var added = await Cli.RunAsync(db, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        var root = web.StartKestrel();
        var clerk = await StaffTestKit.CreateUserAsync(web, "clerk", StaffRoles.Clerk, "Baku 1");
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "supervisor", StaffRoles.Supervisor);
        using var eir = web.CreateClient();
        eir.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal("WHITELISTED", await EirAsync(eir, AppealFixture.CloneImei, AppealFixture.GenuineImsi));
        Assert.Equal("BLACKLISTED", await EirAsync(eir, AppealFixture.CloneImei, AppealFixture.ApplicantImsi));
        Assert.Equal("BLACKLISTED", await EirAsync(eir, AppealFixture.CloneImei, AppealFixture.OtherImsi));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);

        // The clerk files; a wrong check digit is shown beside the IMEI with the validator's reason, in the page's language (Azerbaijani).
        var clerkPage = await SignInAsync(browser, root, "clerk");
        await clerkPage.GotoAsync(new Uri(root, "/backoffice/intake").ToString());
        await clerkPage.Locator("#Imei").FillAsync(AppealFixture.CloneImei + "0");
        await clerkPage.Locator("#DocumentNumber").FillAsync("AZE1234567");
        await clerkPage.Locator("#ApplicantName").FillAsync("Leyla Mammadova");
        await clerkPage.Locator("#ContactNumber").FillAsync("050 111 22 33");
        await clerkPage.Locator("#Numbers_0").FillAsync("050 111 22 33");
        await clerkPage.Locator("#Language").SelectOptionAsync("en");
        await clerkPage.Locator("#file-appeal").ClickAsync();
        await Expect(clerkPage.Locator("#err-Imei")).ToHaveTextAsync("Son rəqəm yoxlama rəqəminə uyğun gəlmir: nömrəni yenidən yoxlayın, yəqin ki, bir rəqəm səhv yazılıb.");
        await Expect(clerkPage.Locator("#ApplicantName")).ToHaveValueAsync("Leyla Mammadova");
        await ShotAsync(clerkPage, "intake-errors", provider);
        await clerkPage.Locator("#Imei").FillAsync(AppealFixture.Imei15);
        await clerkPage.Locator("#Files").SetInputFilesAsync(new FilePayload { Name = "invoice.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4 invoice"u8.ToArray() });
        await ShotAsync(clerkPage, "intake", provider);
        await clerkPage.Locator("#file-appeal").ClickAsync();
        var trackingText = clerkPage.Locator("#tracking-number");
        await Expect(trackingText).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^AP-[0-9A-Z]{4}-[0-9A-Z]{4}$"));
        var tracking = (await trackingText.TextContentAsync())!;
        await ShotAsync(clerkPage, "receipt", provider);

        // The clerk cannot decide, even with a crafted POST.
        await clerkPage.GotoAsync(new Uri(root, $"/backoffice/appeals/{tracking}").ToString());
        await Expect(clerkPage.Locator("#form-pair")).ToHaveCountAsync(0);
        Assert.Equal(403, await CraftedPostAsync(clerkPage, tracking, "Pair"));
        Assert.Equal(403, await CraftedPostAsync(clerkPage, tracking, "ConfirmLift"));

        // The reviewer takes it from the queue and pairs the applicant's SIM (pre-ticked).
        var reviewer = await SignInAsync(browser, root, "reviewer");
        await Expect(reviewer.Locator($"#queue tr[data-tracking='{tracking}']")).ToBeVisibleAsync();
        await ShotAsync(reviewer, "queue", provider);
        await reviewer.Locator($"#queue a:text('{tracking}')").ClickAsync();
        await Expect(reviewer.Locator("#evidence-link")).ToHaveAttributeAsync("href", $"/backoffice/evidence/{AppealFixture.Imei15}?appeal={tracking}");
        await reviewer.Locator("#form-take button").ClickAsync();
        await Expect(reviewer.Locator("#appeal-status")).ToHaveAttributeAsync("data-status", "InReview");
        await Expect(reviewer.Locator($"#imsi-{AppealFixture.ApplicantImsi}")).ToBeCheckedAsync();
        await Expect(reviewer.Locator($"#imsi-{AppealFixture.OtherImsi}")).ToHaveCountAsync(0);
        await Expect(reviewer.Locator("#attachments")).ToContainTextAsync("invoice.pdf");
        await ShotAsync(reviewer, "detail", provider);
        await reviewer.Locator("#form-pair button[type=submit]").ClickAsync();
        await Expect(reviewer.Locator("#appeal-status")).ToHaveAttributeAsync("data-status", "Approved");
        await Expect(reviewer.Locator("#trail tr[data-kind='Paired']")).ToHaveCountAsync(1);

        Assert.Equal("WHITELISTED", await EventuallyAsync(() => EirAsync(eir, AppealFixture.CloneImei, AppealFixture.ApplicantImsi), s => s == "WHITELISTED"));
        Assert.Equal("BLACKLISTED", await EirAsync(eir, AppealFixture.CloneImei, AppealFixture.OtherImsi));
        Assert.Equal("WHITELISTED", await EirAsync(eir, AppealFixture.CloneImei, AppealFixture.GenuineImsi));

        // Lifting: the reviewer proposes, cannot confirm; a supervisor (another person) confirms.
        var liftTracking = await AppealPagesTests.FileThroughServicesAsync(web, clerk, WebTestData.WithCheckDigit(LiftImei));
        Assert.Equal("BLACKLISTED", await EirAsync(eir, LiftImei, AppealFixture.OtherImsi));
        await reviewer.GotoAsync(new Uri(root, $"/backoffice/appeals/{liftTracking}").ToString());
        await reviewer.Locator("#form-take button").ClickAsync();
        await reviewer.Locator("#lift-text").FillAsync("the genuine first user");
        await reviewer.Locator("#form-propose-lift button[type=submit]").ClickAsync();
        await Expect(reviewer.Locator("#appeal-status")).ToHaveAttributeAsync("data-status", "AwaitingConfirmation");
        await Expect(reviewer.Locator("#form-confirm-lift")).ToHaveCountAsync(0);
        Assert.Equal(403, await CraftedPostAsync(reviewer, liftTracking, "ConfirmLift"));
        Assert.Equal("BLACKLISTED", await EirAsync(eir, LiftImei, AppealFixture.OtherImsi)); // nothing reaches the EIR yet

        var supervisor = await SignInAsync(browser, root, "supervisor");
        await supervisor.GotoAsync(new Uri(root, $"/backoffice/appeals/{liftTracking}").ToString());
        await supervisor.Locator("#form-confirm-lift button").ClickAsync();
        await Expect(supervisor.Locator("#appeal-status")).ToHaveAttributeAsync("data-status", "Approved");
        await Expect(supervisor.Locator("#clone-status")).ToHaveAttributeAsync("data-status", CloneStatusValues.Cleared);
        await ShotAsync(supervisor, "detail-lifted", provider);
        Assert.NotEqual("BLACKLISTED", await EventuallyAsync(() => EirAsync(eir, LiftImei, AppealFixture.OtherImsi), s => s != "BLACKLISTED"));
    }
}
