using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Sightings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DeviceRegistry.Infrastructure;

public static class ScheduledJobs
{
    /// <summary>The sightings retention runs monthly by default: dropping a month is the unit of retention.</summary>
    public const string DefaultRetentionCron = "0 0 2 1 * ?";

    /// <summary>
    /// The registry's scheduled jobs on Quartz with its persistent job store in the registry database
    /// (tables from database/*/0004_quartz.sql, which the store validates and never creates; ADR 0004):
    /// the daily registration enforcement (<c>Registration:EnforcementCron</c>) and the sightings retention
    /// (<c>Sightings:RetentionCron</c>). Each job sends the same MediatR request as its CLI verb. The host
    /// also calls <c>AddQuartzHostedService</c> and AddDeviceRegistry.
    /// </summary>
    public static IServiceCollection AddScheduledJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseOptionsFactory.FromConfiguration(configuration);
        var registration = RegistrationSettings.FromConfiguration(configuration);
        var zone = registration.ResolveTimeZone();
        var retentionCron = configuration["Sightings:RetentionCron"] is { Length: > 0 } cron ? cron : DefaultRetentionCron;
        if (!CronExpression.TryParse(retentionCron, out _))
        {
            throw new InvalidOperationException($"Sightings:RetentionCron '{retentionCron}' is not a Quartz cron expression.");
        }

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
            q.AddJob<RegistrationEnforcementJob>(j => j.WithIdentity(RegistrationEnforcementJob.Key).StoreDurably());
            q.AddTrigger(t => t
                .ForJob(RegistrationEnforcementJob.Key)
                .WithIdentity("registration-enforcement-daily", "registrations")
                .WithCronSchedule(registration.EnforcementCron, c => c.InTimeZone(zone)));
            q.AddJob<SightingsRetentionJob>(j => j.WithIdentity(SightingsRetentionJob.Key).StoreDurably());
            q.AddTrigger(t => t
                .ForJob(SightingsRetentionJob.Key)
                .WithIdentity("sightings-retention", "sightings")
                .WithCronSchedule(retentionCron, c => c.InTimeZone(zone)));
        });
        return services;
    }
}
