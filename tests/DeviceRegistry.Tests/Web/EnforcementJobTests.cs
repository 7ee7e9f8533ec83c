using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DeviceRegistry.Tests.Web;

/// <summary>The daily enforcement as the web host schedules it: Quartz with its job store in the registry database.</summary>
public sealed class EnforcementJobTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_scheduled_job_is_stored_in_the_database_and_blocks_an_expired_window_when_it_fires(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var today = WebTestData.Today;
        await web.Database.AddSeenAsync("35761300000033", today.AddDays(-45), today.AddDays(-45));
        using var client = web.CreateClient(); // starts the host and its scheduler

        var scheduler = await web.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        // The hosted service starts the scheduler once the application has started.
        for (var i = 0; i < 100 && scheduler.Status != SchedulerStatus.Running; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(SchedulerStatus.Running, scheduler.Status);
        Assert.True(await scheduler.Exists(RegistrationEnforcementJob.Key));
        Assert.True(await scheduler.Exists(DeviceRegistry.Sightings.SightingsRetentionJob.Key));
        Assert.True(await scheduler.Exists(DeviceRegistry.Sightings.SightingsRollUpJob.Key));

        // The job and its daily trigger live in the registry database (the persistent store), not in memory.
        await using (var context = web.Database.CreateContext())
        {
            var jobs = await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM qrtz_job_details WHERE job_name = 'registration-enforcement'").SingleAsync();
            var triggers = await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM qrtz_cron_triggers").SingleAsync();
            Assert.Equal(1, jobs);
            Assert.Equal(3, triggers); // the daily enforcement, the monthly sightings retention and the daily roll-up
        }

        await scheduler.TriggerJob(RegistrationEnforcementJob.Key, new JobDataMap());

        var key = WebTestData.Key("35761300000033");
        var blocked = false;
        for (var i = 0; i < 200 && !blocked; i++)
        {
            await Task.Delay(100);
            await using var context = web.Database.CreateContext();
            blocked = await context.Set<ImeiBlock>().AnyAsync(b => b.Imei == key && b.Reason == BlockReason.NoRegistration && b.LiftedAt == null);
        }

        Assert.True(blocked, "the enforcement job blocked the IMEI whose window ended");
    }
}
