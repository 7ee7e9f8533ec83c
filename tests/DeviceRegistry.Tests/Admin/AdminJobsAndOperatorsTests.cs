using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DeviceRegistry.Tests.Admin;

/// <summary>The scheduled jobs and operators pages over HTTP: what they show, what "run now" and "add" do, who may use them.</summary>
public sealed partial class AdminJobsAndOperatorsTests
{
    private const string JobsUrl = "/backoffice/jobs";
    private const string OperatorsUrl = "/backoffice/operators";

    private static readonly Dictionary<string, string?> Settings = new(StaffTestKit.WithoutTwoFactor)
    {
        ["Registration:EnforcementCron"] = "0 45 2 * * ?", // 02:45 every day, in the registry's zone (Baku, UTC+4)
    };

    private static async Task<List<AuditEntry>> EntriesAsync(RegistryWebFactory web, string action)
    {
        await using var db = web.Database.CreateContext();
        return await db.Set<AuditEntry>().Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private static async Task WaitForSchedulerAsync(RegistryWebFactory web)
    {
        var scheduler = await web.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        for (var i = 0; i < 100 && scheduler.Status != SchedulerStatus.Running; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(SchedulerStatus.Running, scheduler.Status);
    }

    /// <summary>The next 02:45 in Baku (UTC+4, no daylight saving) after <paramref name="utcNow"/>, worked out without Quartz.</summary>
    private static string NextBakuQuarterToThree(DateTime utcNow)
    {
        var baku = utcNow.AddHours(4);
        var next = baku.Date.AddHours(2).AddMinutes(45);
        if (next <= baku)
        {
            next = next.AddDays(1);
        }

        return next.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    private static string Row(string html, string dataAttribute)
    {
        var start = html.IndexOf(dataAttribute, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {dataAttribute} in the page");
        var end = html.IndexOf("</tr>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_jobs_page_lists_the_enforcement_job_with_its_schedule_and_run_now_runs_it_and_is_audited(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, Settings);
        var today = WebTestData.Today;
        await web.Database.AddSeenAsync("35761300000033", today.AddDays(-45), today.AddDays(-45)); // its 30-day window is over
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(admin);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");
        await WaitForSchedulerAsync(web);

        var before = DateTime.UtcNow;
        var html = await admin.GetStringAsync(JobsUrl);
        var after = DateTime.UtcNow;
        Assert.Contains("href=\"/backoffice/jobs\"", html, StringComparison.Ordinal); // the navigation link
        Assert.Contains("Scheduler: running", html, StringComparison.Ordinal);
        Assert.Contains("data-job=\"registrations.registration-enforcement\"", html, StringComparison.Ordinal);
        Assert.Contains("data-job=\"sightings.sightings-retention\"", html, StringComparison.Ordinal);
        Assert.Contains("data-job=\"clones.clone-detection\"", html, StringComparison.Ordinal);
        Assert.Contains("every 60 s", Row(html, "data-trigger=\"clones.clone-detection-continuous\""), StringComparison.Ordinal);
        Assert.Contains("Registration window: warnings and blocks that are due", html, StringComparison.Ordinal);
        var trigger = Row(html, "data-trigger=\"registrations.registration-enforcement-daily\"");
        Assert.Contains("<code class=\"ad-cron\">0 45 2 * * ?</code>", trigger, StringComparison.Ordinal);
        Assert.Contains("Asia/Baku", trigger, StringComparison.Ordinal);
        var next = Regex.Match(trigger, "data-next>([^<]+)<").Groups[1].Value;
        Assert.Contains(next, new[] { NextBakuQuarterToThree(before), NextBakuQuarterToThree(after) });
        Assert.Matches("data-previous>—<", trigger); // it has never fired
        Assert.Contains("data-state=\"Normal\"", trigger, StringComparison.Ordinal);
        Assert.Contains("Next fire (Asia/Baku)", html, StringComparison.Ordinal);
        Assert.Empty(await EntriesAsync(web, AuditActions.JobTriggered));

        // Run now: the scheduler fires the job and the enforcement blocks the IMEI whose window ended.
        var run = await StaffTestKit.PostFormAsync(admin, JobsUrl + "?handler=Run",
            new Dictionary<string, string> { ["Group"] = "registrations", ["Name"] = "registration-enforcement" }, tokenFrom: JobsUrl);
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        var notice = await admin.GetStringAsync(run.Headers.Location!.ToString());
        Assert.Contains("registrations.registration-enforcement was started", notice, StringComparison.Ordinal);

        var key = WebTestData.Key("35761300000033");
        var blocked = false;
        for (var i = 0; i < 200 && !blocked; i++)
        {
            await Task.Delay(100);
            await using var context = web.Database.CreateContext();
            blocked = await context.Set<ImeiBlock>().AnyAsync(b => b.Imei == key && b.Reason == BlockReason.NoRegistration && b.LiftedAt == null);
        }

        Assert.True(blocked, "run now ran the enforcement job: the IMEI whose window ended is blocked");
        var triggered = Assert.Single(await EntriesAsync(web, AuditActions.JobTriggered));
        Assert.Equal(("admin", "job:registrations.registration-enforcement"), (triggered.ActorName, triggered.Subject));
        Assert.Contains("\"job\":\"registration-enforcement\"", triggered.After, StringComparison.Ordinal);

        // The run is recorded when it ends and listed under the recent runs, with this node and "by hand".
        string runs = "";
        for (var i = 0; i < 100 && !runs.Contains("data-run=\"registrations.registration-enforcement\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            runs = await admin.GetStringAsync(JobsUrl);
        }

        var node = (await web.Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).SchedulerInstanceId;
        var recorded = Row(runs, "data-run=\"registrations.registration-enforcement\"");
        Assert.Contains($"data-run-node=\"{node}\"", recorded, StringComparison.Ordinal);
        Assert.Contains("data-run-outcome=\"succeeded\"", recorded, StringComparison.Ordinal);
        Assert.Contains("by hand", recorded, StringComparison.Ordinal);
        Assert.Contains("Recent runs (on every node)", runs, StringComparison.Ordinal);
        if (provider == DatabaseProvider.Postgres)
        {
            // Clustered on PostgreSQL: the node list names this host, alive.
            Assert.Contains("data-node-state=\"Alive\"", Row(runs, $"data-node=\"{node}\""), StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("id=\"cluster-nodes\"", runs, StringComparison.Ordinal);
        }

        // A job the scheduler does not hold: refused, nothing audited.
        var unknown = await StaffTestKit.PostFormAsync(admin, JobsUrl + "?handler=Run",
            new Dictionary<string, string> { ["Group"] = "registrations", ["Name"] = "no-such-job" }, tokenFrom: JobsUrl);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("There is no job registrations.no-such-job", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await EntriesAsync(web, AuditActions.JobTriggered));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_jobs_disabled_the_jobs_page_says_no_scheduler_runs_here_and_run_now_does_nothing(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?>(Settings) { ["Jobs:Enabled"] = "false" });
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(admin);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");
        Assert.Null(web.Services.GetService<ISchedulerFactory>());

        var html = await admin.GetStringAsync(JobsUrl);
        Assert.Contains("id=\"no-scheduler\"", html, StringComparison.Ordinal);
        Assert.Contains("No scheduler runs in this host (Jobs:Enabled is false)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-job=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Run now", html, StringComparison.Ordinal);

        var run = await StaffTestKit.PostFormAsync(admin, JobsUrl + "?handler=Run",
            new Dictionary<string, string> { ["Group"] = "registrations", ["Name"] = "registration-enforcement" }, tokenFrom: "/backoffice/account/security");
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Empty(await EntriesAsync(web, AuditActions.JobTriggered));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reviewers_and_supervisors_are_refused_both_pages_and_their_crafted_posts(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, Settings);
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "supervisor", StaffRoles.Supervisor);

        foreach (var name in new[] { "reviewer", "supervisor" })
        {
            using var client = StaffTestKit.CreateClient(web);
            await StaffTestKit.SignInOrFailAsync(client, name);
            await AdminPagesTests.AssertRefusedAsync(client, await client.GetAsync(JobsUrl), name + " GET jobs");
            await AdminPagesTests.AssertRefusedAsync(client, await client.GetAsync(OperatorsUrl), name + " GET operators");
            var appeals = await client.GetStringAsync("/backoffice/appeals");
            Assert.DoesNotContain("href=\"/backoffice/jobs\"", appeals, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"/backoffice/operators\"", appeals, StringComparison.Ordinal);

            var token = await StaffTestKit.AntiforgeryTokenAsync(client, "/backoffice/account/security"); // a valid token of theirs
            var run = await client.PostAsync(JobsUrl + "?handler=Run", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Group"] = "registrations", ["Name"] = "registration-enforcement", ["__RequestVerificationToken"] = token,
            }));
            await AdminPagesTests.AssertRefusedAsync(client, run, name + " POST run");
            var add = await client.PostAsync(OperatorsUrl + "?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Name"] = "Mole-" + name, ["__RequestVerificationToken"] = token,
            }));
            await AdminPagesTests.AssertRefusedAsync(client, add, name + " POST add operator");
        }

        Assert.Empty(await EntriesAsync(web, AuditActions.JobTriggered));
        Assert.Empty(await EntriesAsync(web, AuditActions.OperatorAdded));
        await using var db = web.Database.CreateContext();
        Assert.False(await db.Operators.AnyAsync(o => o.Name.StartsWith("Mole")));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_operator_added_on_the_page_authenticates_on_the_eir_with_the_secret_shown_once_which_is_never_audited_or_logged(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var web = await RegistryWebFactory.CreateAsync(provider, Settings);
        web.Logs = logs;
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);
        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(admin);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");

        var response = await StaffTestKit.PostFormAsync(admin, OperatorsUrl + "?handler=Add", new Dictionary<string, string> { ["Name"] = "Nar Mobile" }, tokenFrom: OperatorsUrl);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.True(response.Headers.CacheControl?.NoStore, "the answer with the secret may be cached");
        Assert.Contains("Operator Nar Mobile added.", html, StringComparison.Ordinal);
        var secret = WebUtility.HtmlDecode(NewSecret().Match(html).Groups[1].Value);
        Assert.StartsWith("eir_", secret, StringComparison.Ordinal);

        // The EIR takes it.
        using var eir = web.CreateClient();
        async Task<HttpStatusCode> CheckAsync(string bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/n5g-eir-eic/v1/equipment-status?pei=imei-490154203237518");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return (await eir.SendAsync(request)).StatusCode;
        }

        // (An IMEI the registry has never seen: an authenticated check answers 404, a refused credential 401.)
        Assert.Equal(HttpStatusCode.Unauthorized, await CheckAsync("eir_1_" + new string('A', 43)));
        Assert.NotEqual(HttpStatusCode.Unauthorized, await CheckAsync(secret));

        // Listed with its credential set, never the secret or its hash; audited with the admin as actor, without either.
        var list = await admin.GetStringAsync(OperatorsUrl);
        Assert.Contains("href=\"/backoffice/operators\"", list, StringComparison.Ordinal);
        var row = Row(list, "data-operator=\"Nar Mobile\"");
        Assert.Contains("data-credential=\"True\"", row, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", list, StringComparison.Ordinal);
        var added = Assert.Single(await EntriesAsync(web, AuditActions.OperatorAdded));
        Assert.Equal(("admin", "operator:Nar Mobile"), (added.ActorName, added.Subject));
        string hash;
        await using (var db = web.Database.CreateContext())
        {
            hash = (await db.Operators.SingleAsync(o => o.Name == "Nar Mobile")).SecretHash!;
            var everything = string.Join("\n", await db.Set<AuditEntry>().Select(a => a.Subject + a.Reason + a.Before + a.After).ToListAsync());
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(hash, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[4..], everything, StringComparison.Ordinal);
        }

        // A new secret for the same operator: the new one works, the old one stops within the authenticator's refresh.
        var again = await StaffTestKit.PostFormAsync(admin, OperatorsUrl + "?handler=Add", new Dictionary<string, string> { ["Name"] = "Nar Mobile" }, tokenFrom: OperatorsUrl);
        var againHtml = await again.Content.ReadAsStringAsync();
        Assert.Contains("has a new secret", againHtml, StringComparison.Ordinal);
        var newSecret = WebUtility.HtmlDecode(NewSecret().Match(againHtml).Groups[1].Value);
        Assert.NotEqual(secret, newSecret);
        var reissued = Assert.Single(await EntriesAsync(web, AuditActions.OperatorSecretReissued));
        Assert.DoesNotContain(newSecret, reissued.After + reissued.Before, StringComparison.Ordinal);

        // The EIR's authenticator picks the new hash up within its refresh interval: then the new works, the old does not.
        var swapped = false;
        for (var i = 0; i < 40 && !swapped; i++)
        {
            swapped = await CheckAsync(newSecret) != HttpStatusCode.Unauthorized && await CheckAsync(secret) == HttpStatusCode.Unauthorized;
            if (!swapped)
            {
                await Task.Delay(500);
            }
        }

        Assert.True(swapped, "the new secret works and the previous one no longer does");

        // Nothing the host logged, at any level, holds either secret.
        Assert.NotEmpty(logs.Lines);
        foreach (var line in logs.Lines)
        {
            Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            Assert.DoesNotContain(newSecret, line, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[4..], line, StringComparison.Ordinal);
        }

        // An empty name is refused with the use case's reason, nothing created.
        var empty = await StaffTestKit.PostFormAsync(admin, OperatorsUrl + "?handler=Add", new Dictionary<string, string> { ["Name"] = " " }, tokenFrom: OperatorsUrl);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("the operator name is empty", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await EntriesAsync(web, AuditActions.OperatorAdded));
    }

    [GeneratedRegex("id=\"new-secret\">([^<]+)<")]
    private static partial Regex NewSecret();
}
