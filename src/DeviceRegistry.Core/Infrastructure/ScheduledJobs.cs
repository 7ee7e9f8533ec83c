using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Lists;
using DeviceRegistry.Registrations;
using DeviceRegistry.Sightings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DeviceRegistry.Infrastructure;

/// <summary>The <c>Jobs</c> section.</summary>
public sealed class JobsSettings : ISettingsSection
{
    public const string Section = "Jobs";

    /// <summary>Run the scheduled jobs (Quartz) in the web host.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// This node's name in the scheduler cluster and in job_runs; unset, on PostgreSQL a name made of the machine name and
    /// the start time is generated at each start, on SQLite (one node) the machine name. Every node of one registry
    /// database must have its own.
    /// </summary>
    public string? NodeName { get; set; }

    /// <summary>How often a node tells the others it is alive; a node silent for longer than this plus a margin is presumed dead and its firings recovered.</summary>
    public int ClusterCheckinSeconds { get; set; } = 10;

    public IEnumerable<string> Validate(string section)
    {
        if (NodeName is not null && (NodeName.Length is 0 or > 80 || NodeName.Any(char.IsWhiteSpace)))
        {
            yield return $"{section}:NodeName is '{NodeName}'; it must be 1 to 80 characters without spaces";
        }

        if (ClusterCheckinSeconds is < 1 or > 300)
        {
            yield return $"{section}:ClusterCheckinSeconds is {ClusterCheckinSeconds}; it must be from 1 to 300";
        }
    }
}

public static class ScheduledJobs
{
    /// <summary>
    /// The registry's scheduled jobs on Quartz with its persistent job store in the registry database
    /// (tables from database/*/0004_quartz.sql, which the store validates and never creates; ADR 0004):
    /// the daily registration enforcement (<c>Registration:EnforcementCron</c>) and the sightings retention
    /// (<c>Sightings:RetentionCron</c>), the roll-up of deferred ingests (<c>Sightings:RollUpCron</c>), and continuous clone detection every <c>Detection:ContinuousIntervalSeconds</c>
    /// over the IMEIs touched since its last run, and the daily lists export at <c>Lists:ExportTime</c> when set. Each job sends the same MediatR request as its CLI verb. The host
    /// also calls <c>AddQuartzHostedService</c> and AddDeviceRegistry.
    /// </summary>
    public static IServiceCollection AddScheduledJobs(this IServiceCollection services, IConfiguration configuration)
    {
        // The schedules are fixed when the scheduler is built, so they are read (and validated) now.
        var database = DatabaseOptions.FromConfiguration(configuration);
        var registration = Settings.Read<RegistrationSettings>(configuration, RegistrationSettings.Section);
        var sightings = Settings.Read<SightingsSettings>(configuration, SightingsSettings.Section);
        var retentionCron = sightings.RetentionCron;
        var detection = Settings.Read<DetectionSettings>(configuration, DetectionSettings.Section);
        var exportCron = Settings.Read<ListsSettings>(configuration, ListsSettings.Section).ExportCron;
        var zone = RegistryClock.FindZone(Settings.Read<RegistrySettings>(configuration, RegistrySettings.Section).TimeZone);

        var jobs = Settings.Read<JobsSettings>(configuration, JobsSettings.Section);

        services.AddQuartz(q =>
        {
            // Clustered on PostgreSQL: with several web hosts on one registry database each firing runs on exactly one of them.
            q.ConfigureScheduler(o =>
            {
                if (jobs.NodeName is { } node)
                {
                    o.InstanceId = node;
                }
                else if (database.Provider == DatabaseProvider.Postgres)
                {
                    o.GenerateInstanceId = true; // the machine's name and the start time: unique in the cluster
                }
                else
                {
                    o.InstanceId = Environment.MachineName; // SQLite: the one node
                }
            });
            // Every job's runs: job_runs (devreg jobs) and the registry's meter.
            q.AddJobListener<JobRunRecorder>([GroupMatcher<JobKey>.AnyGroup()]);
            q.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(o => o.SchemaProvisioning = SchemaProvisioning.Validate);
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(database.ConnectionString);
                    // SQLite, the embedded single-node database, cannot be clustered (Quartz refuses its locking).
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(jobs.ClusterCheckinSeconds));
                }
                else
                {
                    store.UseSqlite(database.ConnectionString);
                }
            });
            q.AddJob<RegistrationEnforcementJob>(j => j.WithIdentity(RegistrationEnforcementJob.Key).StoreDurably()
                .WithDescription("Registration window: warnings due, blocks due and lifted; then the appeal decision SMS"));
            q.AddTrigger(t => t
                .ForJob(RegistrationEnforcementJob.Key)
                .WithIdentity("registration-enforcement-daily", "registrations")
                .WithCronSchedule(registration.EnforcementCron, c => c.InTimeZone(zone)));
            q.AddJob<SightingsRetentionJob>(j => j.WithIdentity(SightingsRetentionJob.Key).StoreDurably()
                .WithDescription("Sightings retention: drops the months older than Sightings:RetentionMonths"));
            q.AddTrigger(t => t
                .ForJob(SightingsRetentionJob.Key)
                .WithIdentity("sightings-retention", "sightings")
                .WithCronSchedule(retentionCron, c => c.InTimeZone(zone)));
            q.AddJob<SightingsRollUpJob>(j => j.WithIdentity(SightingsRollUpJob.Key).StoreDurably()
                .WithDescription("Sightings roll-up: folds the sightings deferred ingests appended into the month rows and the IMEIs seen"));
            q.AddTrigger(t => t
                .ForJob(SightingsRollUpJob.Key)
                .WithIdentity("sightings-roll-up", "sightings")
                .WithCronSchedule(sightings.RollUpCron, c => c.InTimeZone(zone)));
            q.AddJob<ListsExportJob>(j => j.WithIdentity(ListsExportJob.Key).StoreDurably()
                .WithDescription("Operators' lists: the daily export of the blacklist, exceptions and notifications, recorded for download"));
            if (exportCron is not null)
            {
                q.AddTrigger(t => t
                    .ForJob(ListsExportJob.Key)
                    .WithIdentity("lists-export-daily", "lists")
                    .WithCronSchedule(exportCron, c => c.InTimeZone(zone)));
            }

            q.AddJob<ContinuousDetectionJob>(j => j.WithIdentity(ContinuousDetectionJob.Key).StoreDurably()
                .WithDescription("Continuous clone detection: the IMEIs touched by ingests and EIR checks since the last run"));
            if (detection.Continuous)
            {
                // A run missed while the host was down is not caught up one by one: the next run takes the whole queue.
                q.AddTrigger(t => t
                    .ForJob(ContinuousDetectionJob.Key)
                    .WithIdentity(ContinuousDetectionJob.TriggerKey)
                    .StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(detection.ContinuousIntervalSeconds)).RepeatForever()
                        .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            }
        });
        // With its database gone, Quartz's shutdown would wait for ever (StoppableJobStore).
        StoppableJobStore.Decorate(services);
        return services;
    }
}
