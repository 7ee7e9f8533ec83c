using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Lists;
using DeviceRegistry.Tests.Evidence;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DeviceRegistry.Tests.Lists;

/// <summary>The daily lists export as the web host schedules it (Lists:ExportTime): recorded like the CLI's, a refusal a failed run.</summary>
public sealed class ScheduledListsExportTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_daily_export_is_recorded_like_the_clis_and_a_refused_one_is_a_failed_run_with_its_reason(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ListsExportTests.SeedAsync(db);
        using var dir = new ListsExportTests.TempDir();
        var settings = ListsExportTests.Settings(db);
        settings["Lists:ExportTime"] = "03:30";
        settings["Lists:ExportDirectory"] = dir.Path;
        await using var web = OnTheFifteenthOfJune(db, settings);
        var scheduler = await RunningSchedulerAsync(web);

        var trigger = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(new TriggerKey("lists-export-daily", "lists")));
        Assert.Equal(("0 30 3 * * ?", "Asia/Baku"), (trigger.CronExpressionString, trigger.TimeZone.Id));
        Assert.Equal(ListsExportJob.Key, trigger.JobKey);

        await scheduler.TriggerJob(ListsExportJob.Key);
        var first = await RunAsync(db, 1);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(
            "imei,block_date,reasons\n26053179311383,20260601,clone\n35693803564380,20260331,stolen|unregistered\n35761300444848,20260609,unregistered\n49015420323751,20260501,unregistered\n",
            File.ReadAllText(Path.Combine(dir.Path, "blacklist.csv")));
        await using (var context = db.CreateContext())
        {
            var run = await context.Set<ListExportRun>().Include(r => r.Files).SingleAsync();
            Assert.Equal((new DateOnly(2026, 6, 15), null, false, 4, 2, 2), (run.AsOf, run.Operator, run.Forced, run.BlacklistRows, run.ExceptionsRows, run.NotificationsRows));
            Assert.Equal(
                ["blacklist.csv", "exceptions_Azercell.csv", "exceptions_Bakcell.csv", "notifications_Azercell.csv", "notifications_Bakcell.csv"],
                run.Files.Select(f => f.Name).Order(StringComparer.Ordinal));

            // The clone verdict withdrawn: a quarter of the blacklist would go, more than Lists:MaxChangeShare (0.1).
            context.RemoveRange(context.Set<CloneStatus>());
            await context.SaveChangesAsync();
        }

        await scheduler.TriggerJob(ListsExportJob.Key);
        var refused = await RunAsync(db, 2);
        Assert.False(refused.Succeeded);
        Assert.StartsWith("export refused, nothing written: blacklist.csv would change 1 of its 4 rows, more than Lists:MaxChangeShare (0.1)", refused.Error, StringComparison.Ordinal);
        await using (var context = db.CreateContext())
        {
            Assert.Equal(1, await context.Set<ListExportRun>().CountAsync());
        }

        Assert.Contains("26053179311383,20260601,clone\n", File.ReadAllText(Path.Combine(dir.Path, "blacklist.csv")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "blacklist_delta.csv")));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_background_jobs_the_daily_export_runs_on_hangfire_and_a_refused_one_fails_at_once_without_retries(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ListsExportTests.SeedAsync(db);
        var settings = DeviceRegistry.Tests.Jobs.BackgroundJobsTests.HangfireOn(db);
        foreach (var (key, value) in ListsExportTests.Settings(db))
        {
            settings[key] = value;
        }

        settings["Lists:ExportTime"] = "03:30";
        await using var web = OnTheFifteenthOfJune(db, settings);
        var scheduler = await RunningSchedulerAsync(web);

        var monitoring = web.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        await scheduler.TriggerJob(ListsExportJob.Key);
        var enqueued = await RunAsync(db, 1);
        Assert.True(enqueued.Succeeded, enqueued.Error);
        for (var i = 0; i < 300 && monitoring.SucceededListCount() == 0; i++)
        {
            await Task.Delay(100);
        }

        var done = Assert.Single(monitoring.SucceededJobs(0, 10));
        Assert.Equal("ListsExportWork", done.Value.Job.Type.Name);
        await using (var context = db.CreateContext())
        {
            var run = await context.Set<ListExportRun>().SingleAsync();
            Assert.Equal((new DateOnly(2026, 6, 15), false, 4), (run.AsOf, run.Forced, run.BlacklistRows));
            context.RemoveRange(context.Set<CloneStatus>());
            await context.SaveChangesAsync();
        }

        // Refused by the change-share check: Failed at once, no retry scheduled (the retries are 2 s and 4 s here).
        await scheduler.TriggerJob(ListsExportJob.Key);
        Assert.True((await RunAsync(db, 2)).Succeeded);
        for (var i = 0; i < 300 && monitoring.FailedCount() == 0; i++)
        {
            await Task.Delay(100);
        }

        var failed = Assert.Single(monitoring.FailedJobs(0, 10));
        Assert.StartsWith("export refused, nothing written: blacklist.csv would change 1 of its 4 rows", failed.Value.ExceptionMessage, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var history = monitoring.JobDetails(failed.Key).History;
        Assert.Equal("Failed", history[0].StateName);
        Assert.DoesNotContain(history, h => h.StateName == "Scheduled");
        await using (var context = db.CreateContext())
        {
            Assert.Equal(1, await context.Set<ListExportRun>().CountAsync());
        }
    }

    /// <summary>A host whose clock says 15 June 2026, noon in Baku: the day the export's lists are for.</summary>
    private static RegistryWebFactory OnTheFifteenthOfJune(TestDatabase db, Dictionary<string, string?> settings)
    {
        var web = RegistryWebFactory.On(db, settings);
        web.Clock = new FixedTimeProvider(new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.Zero));
        return web;
    }

    /// <summary>The host's scheduler once it runs (the host is started by the first use of its services).</summary>
    private static async Task<IScheduler> RunningSchedulerAsync(RegistryWebFactory web)
    {
        using var client = web.CreateClient();
        var scheduler = await web.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        for (var i = 0; i < 100 && scheduler.Status != SchedulerStatus.Running; i++)
        {
            await Task.Delay(100);
        }

        return scheduler;
    }

    /// <summary>The <paramref name="count"/>-th recorded run of the export job, once it has ended.</summary>
    private static async Task<JobRun> RunAsync(TestDatabase db, int count)
    {
        for (var i = 0; i < 300; i++)
        {
            await using var context = db.CreateContext();
            var runs = await JobRuns.LatestAsync(context, 10, "lists.lists-export", CancellationToken.None);
            if (runs.Count >= count)
            {
                return runs[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the lists export job did not end its run {count} within 30 s");
    }
}
