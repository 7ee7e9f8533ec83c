using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Admin;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Jobs;

/// <summary>Hangfire on the registry database: SMS delivery retried with back-off, durable across a restart, its dashboard for administrators.</summary>
public sealed partial class BackgroundJobsTests
{
    private const string Msisdn = "994501234567";

    /// <summary>Hangfire on, polling every second, retries after 2 s then 4 s.</summary>
    internal static Dictionary<string, string?> HangfireOn(TestDatabase db, bool server = true) => new(db.Settings)
    {
        ["BackgroundJobs:Enabled"] = "true",
        ["BackgroundJobs:Server"] = server ? "true" : "false",
        ["BackgroundJobs:PollSeconds"] = "1",
        ["BackgroundJobs:RetryDelaysSeconds:0"] = "2",
        ["BackgroundJobs:RetryDelaysSeconds:1"] = "4",
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_delivery_the_gateway_refuses_is_retried_with_back_off_and_succeeds_later(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var message = await QueueWarningAsync(db);
        var gateway = new FlakyGateway(failures: 2);
        await using var web = RegistryWebFactory.On(db, HangfireOn(db));
        web.ServiceOverrides = services => services.AddSingleton<ISmsSender>(gateway);
        using var client = web.CreateClient();

        var job = web.Services.GetRequiredService<BackgroundWork>().EnqueueSmsDelivery();
        var sent = await WaitForSentAsync(db, message);

        Assert.Equal((SmsStatus.Sent, 3, null), (sent.Status, sent.Attempts, sent.LastError));
        var calls = gateway.Calls;
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(Msisdn, c.Msisdn));
        // The waits grow as configured (2 s, then 4 s); Hangfire keeps a retry's due time in whole seconds, hence the margin.
        var (firstWait, secondWait) = (calls[1].At - calls[0].At, calls[2].At - calls[1].At);
        Assert.True(firstWait >= TimeSpan.FromSeconds(1), $"first retry after {firstWait}");
        Assert.True(secondWait >= TimeSpan.FromSeconds(3) && secondWait > firstWait, $"second retry after {secondWait}, the first after {firstWait}");

        // Hangfire's own record: two retries scheduled, each with the failure's reason, then success.
        var history = await StatesAsync(web, job, "Succeeded");
        var retries = history.Where(h => h.StateName == "Scheduled").Select(h => h.Reason).Reverse().ToList();
        Assert.Equal(2, retries.Count);
        Assert.StartsWith("Retry attempt 1 of 2:", retries[0], StringComparison.Ordinal);
        Assert.StartsWith("Retry attempt 2 of 2:", retries[1], StringComparison.Ordinal);
        // Hangfire shortens the reason; the failure's own text begins it.
        Assert.All(retries, r => Assert.Contains(": 1 of 1 SMS", r, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_scheduled_enforcement_leaves_its_warnings_to_the_retried_delivery_job(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var day = new DateOnly(2026, 11, 20);
        await DeviceRegistry.Tests.Registrations.RegistrationFixture.SeeAsync(db, "35761300000033", day, ("400011234567890", Msisdn));
        var gateway = new FlakyGateway(failures: 1);
        await using var web = RegistryWebFactory.On(db, HangfireOn(db));
        web.Clock = new DeviceRegistry.Tests.Evidence.FixedTimeProvider(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero));
        web.ServiceOverrides = services => services.AddSingleton<ISmsSender>(gateway);
        using var client = web.CreateClient();
        var scheduler = await web.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        for (var i = 0; i < 100 && scheduler.Status != Quartz.SchedulerStatus.Running; i++)
        {
            await Task.Delay(100);
        }

        await scheduler.TriggerJob(RegistrationEnforcementJob.Key);

        // Day 1's warning: refused once by the gateway, sent by the job's retry (an inline send would have stayed pending).
        long id;
        await using (var context = db.CreateContext())
        {
            for (var i = 0; i < 300 && !await context.Set<SmsMessage>().AnyAsync(); i++)
            {
                await Task.Delay(100);
            }

            id = (await context.Set<SmsMessage>().SingleAsync()).Id;
        }

        var sent = await WaitForSentAsync(db, id);
        Assert.Equal((SmsStatus.Sent, 2, 1), (sent.Status, sent.Attempts, sent.WarningDay));
        Assert.Equal(2, gateway.Calls.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_request_for_information_enqueues_its_sms_as_a_background_job(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var appeal = await DeviceRegistry.Tests.Evidence.EvidenceTestKit.AppealAsync(
            db, 35761300000033, "AP-7K3Q-9X2M", "Sumqayıt", DeviceRegistry.Appeals.AppealStatus.InReview, new DateTime(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc));
        var gateway = new FlakyGateway(failures: 0);
        await using var web = RegistryWebFactory.On(db, HangfireOn(db));
        web.ServiceOverrides = services => services.AddSingleton<ISmsSender>(gateway);
        using var client = web.CreateClient();

        await using (var scope = web.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MediatR.IMediator>().Send(new DeviceRegistry.Appeals.RequestInformation
            {
                Actor = new StaffActor("supervisor-1", "supervisor", [StaffRoles.Supervisor], null),
                TrackingNumber = appeal.TrackingNumber, Version = appeal.Version, Message = "Bring the phone's box.",
            });
        }

        // No delivery loop runs in a host with Hangfire: the decision's job sends it, then marks it sent.
        var message = await WaitForSentAsync<DeviceRegistry.Appeals.AppealMessage>(db, m => true);
        Assert.Equal("994554444444", Assert.Single(gateway.Calls).Msisdn);
        Assert.Equal((SmsStatus.Sent, 1), (message.Status, message.Attempts));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_job_enqueued_on_one_host_runs_after_a_restart_on_the_next(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var message = await QueueWarningAsync(db);
        string job;
        await using (var first = RegistryWebFactory.On(db, HangfireOn(db, server: false)))
        {
            using var client = first.CreateClient();
            job = first.Services.GetRequiredService<BackgroundWork>().EnqueueSmsDelivery();
            Assert.Equal("Enqueued", first.Services.GetRequiredService<JobStorage>().GetMonitoringApi().JobDetails(job).History[0].StateName);
        }

        await using (var context = db.CreateContext())
        {
            Assert.Equal(SmsStatus.Pending, (await context.Set<SmsMessage>().SingleAsync(m => m.Id == message)).Status);
        }

        var gateway = new FlakyGateway(failures: 0);
        await using var second = RegistryWebFactory.On(db, HangfireOn(db));
        second.ServiceOverrides = services => services.AddSingleton<ISmsSender>(gateway);
        using var secondClient = second.CreateClient();

        var sent = await WaitForSentAsync(db, message);
        Assert.Equal((SmsStatus.Sent, 1), (sent.Status, sent.Attempts));
        Assert.Equal(Msisdn, Assert.Single(gateway.Calls).Msisdn);
        Assert.Equal("Succeeded", (await StatesAsync(second, job, "Succeeded"))[0].StateName);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dashboard_is_for_administrators_only_linked_from_the_jobs_page_and_its_changes_are_audited(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = HangfireOn(db, server: false);
        settings["Staff:RequireTwoFactor"] = "false";
        await using var web = RegistryWebFactory.On(db, settings);
        await StaffTestKit.CreateUserAsync(web, "reviewer", StaffRoles.Reviewer);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin);

        using (var anonymous = StaffTestKit.CreateClient(web))
        {
            var response = await anonymous.GetAsync("/backoffice/jobs/background");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/backoffice/account/signin", response.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        using (var reviewer = StaffTestKit.CreateClient(web))
        {
            await StaffTestKit.SignInOrFailAsync(reviewer, "reviewer");
            await AdminPagesTests.AssertRefusedAsync(reviewer, await reviewer.GetAsync("/backoffice/jobs/background"), "reviewer");
            await AdminPagesTests.AssertRefusedAsync(reviewer, await reviewer.GetAsync("/backoffice/jobs/background/jobs/enqueued"), "reviewer, a dashboard page");
        }

        using var admin = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(admin, "admin");
        Assert.Contains("href=\"/backoffice/jobs/background\"", await admin.GetStringAsync("/backoffice/jobs"), StringComparison.Ordinal);
        using (var dashboard = await admin.GetAsync("/backoffice/jobs/background"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("DeviceRegistry background jobs", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A job waiting (no server in this host), deleted from the dashboard: done, and audited with the administrator.
        var job = web.Services.GetRequiredService<BackgroundWork>().EnqueueSmsDelivery();
        var page = await admin.GetStringAsync("/backoffice/jobs/background/jobs/enqueued");
        var csrf = CsrfToken().Match(page);
        Assert.True(csrf.Success, "the dashboard page carries its anti-forgery token");
        using var delete = new HttpRequestMessage(HttpMethod.Post, "/backoffice/jobs/background/jobs/enqueued/delete")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", job)]),
        };
        delete.Headers.Add(csrf.Groups[1].Value, WebUtility.HtmlDecode(csrf.Groups[2].Value));
        using (var deleted = await admin.SendAsync(delete))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"delete: {(int)deleted.StatusCode}");
        }

        Assert.Equal("Deleted", web.Services.GetRequiredService<JobStorage>().GetMonitoringApi().JobDetails(job).History[0].StateName);
        await using var context = db.CreateContext();
        var entry = await context.Set<AuditEntry>().SingleAsync(a => a.Action == AuditActions.BackgroundJobsChanged);
        Assert.Equal(("admin", "background-jobs:/jobs/enqueued/delete"), (entry.ActorName, entry.Subject));
        Assert.Contains(job, entry.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_host_with_a_hangfire_server_stops_promptly_when_the_database_is_gone(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        await using (db)
        {
            var web = RegistryWebFactory.On(db, HangfireOn(db));
            using (var client = web.CreateClient())
            using (var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            web.Services.GetRequiredService<BackgroundWork>().EnqueueSmsDelivery();
            await Task.Delay(1500);
            await HealthAndOpenApiTests.TakeDatabaseAwayAsync(db);
            await HealthAndOpenApiTests.AssertStopsPromptlyAsync(web);
        }
    }

    /// <summary>The job's states, newest first, once its latest is <paramref name="state"/> (or after 10 s, whatever they are).</summary>
    private static async Task<IList<Hangfire.Storage.Monitoring.StateHistoryDto>> StatesAsync(RegistryWebFactory web, string job, string state)
    {
        var monitoring = web.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        for (var i = 0; i < 100 && monitoring.JobDetails(job).History[0].StateName != state; i++)
        {
            await Task.Delay(100);
        }

        return monitoring.JobDetails(job).History;
    }

    /// <summary>A registration warning waiting in the outbox; its id.</summary>
    private static async Task<long> QueueWarningAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var message = new SmsMessage
        {
            Imei = 35761300000033, Msisdn = Msisdn, WindowStart = new(2026, 11, 1), WarningDay = 20, Deadline = new(2026, 11, 30),
            Body = "IMEI 35761300000033: register it", Status = SmsStatus.Pending, CreatedAt = new(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc),
        };
        context.Add(message);
        await context.SaveChangesAsync();
        return message.Id;
    }

    private static Task<SmsMessage> WaitForSentAsync(TestDatabase db, long id) =>
        WaitForSentAsync<SmsMessage>(db, m => m.Id == id);

    /// <summary>The one outbox row matching <paramref name="which"/> once it is marked sent (the gateway's call comes first).</summary>
    private static async Task<T> WaitForSentAsync<T>(TestDatabase db, System.Linq.Expressions.Expression<Func<T, bool>> which)
        where T : class, IQueuedSms
    {
        for (var i = 0; i < 300; i++)
        {
            await using var context = db.CreateContext();
            var message = await context.Set<T>().AsNoTracking().SingleAsync(which);
            if (message.Status == SmsStatus.Sent)
            {
                return message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the {typeof(T).Name} was not sent within 30 s");
    }

    /// <summary>A gateway that refuses its first <c>failures</c> messages, then accepts; it remembers when each came.</summary>
    private sealed class FlakyGateway(int failures) : ISmsSender
    {
        private readonly List<(DateTimeOffset At, string Msisdn)> calls = [];

        public IReadOnlyList<(DateTimeOffset At, string Msisdn)> Calls
        {
            get
            {
                lock (calls)
                {
                    return [.. calls];
                }
            }
        }

        public Task SendAsync(OutgoingSms message, CancellationToken ct)
        {
            int count;
            lock (calls)
            {
                calls.Add((DateTimeOffset.UtcNow, message.Msisdn));
                count = calls.Count;
            }

            return count <= failures ? throw new HttpRequestException("gateway unavailable") : Task.CompletedTask;
        }
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\"\\s*/?>\\s*<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();
}
