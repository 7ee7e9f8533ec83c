using DeviceRegistry.Data;
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

    public IEnumerable<string> Validate(string section) => [];
}

public static class ScheduledJobs
{
    /// <summary>
    /// The registry's scheduled jobs on Quartz with its persistent job store in the registry database
    /// (tables from database/*/0004_quartz.sql, which the store validates and never creates; ADR 0004):
    /// the daily registration enforcement (<c>Registration:EnforcementCron</c>) and the sightings retention
    /// (<c>Sightings:RetentionCron</c>). Each job sends the same MediatR request as its CLI verb. The host
    /// also calls <c>AddQuartzHostedService</c> and AddDeviceRegistry.
    /// </summary>
    public static IServiceCollection AddScheduledJobs(this IServiceCollection services, IConfiguration configuration)
    {
        // The schedules are fixed when the scheduler is built, so they are read (and validated) now.
        var database = DatabaseOptions.FromConfiguration(configuration);
        var registration = Settings.Read<RegistrationSettings>(configuration, RegistrationSettings.Section);
        var retentionCron = Settings.Read<SightingsSettings>(configuration, SightingsSettings.Section).RetentionCron;
        var zone = RegistryClock.FindZone(Settings.Read<RegistrySettings>(configuration, RegistrySettings.Section).TimeZone);

        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(o => o.SchemaProvisioning = SchemaProvisioning.Validate);
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(database.ConnectionString);
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
        });
        return services;
    }
}
