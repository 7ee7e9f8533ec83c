using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace DeviceRegistry.Registrations;

/// <summary>The daily run of <see cref="EnforceRegistrationWindow"/> on Quartz (one at a time across the cluster).</summary>
[DisallowConcurrentExecution]
public sealed class RegistrationEnforcementJob(IServiceScopeFactory scopes, ILogger<RegistrationEnforcementJob> logger) : IJob
{
    public static readonly JobKey Key = new("registration-enforcement", "registrations");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new EnforceRegistrationWindow(), cancellationToken);
        logger.LogInformation(
            "Registration enforcement as of {AsOf}: {Blocked} blocked, {Lifted} lifted, {Queued} warnings queued, {Sent} SMS sent, {Failed} failed",
            report.AsOf, report.Blocked, report.BlocksLifted, report.WarningsQueued, report.SmsSent, report.SmsFailed);
        context.Result = report;
    }
}

public static class RegistrationJobsServiceCollectionExtensions
{
    /// <summary>
    /// Schedules the daily registration enforcement on Quartz with its persistent job store in the
    /// registry database (tables from database/*/0004_quartz.sql, which the job store validates and
    /// never creates). The host also calls <c>AddQuartzHostedService</c> (or starts the scheduler) and
    /// AddDeviceRegistry. Cron: <c>Registration:EnforcementCron</c>.
    /// </summary>
    public static IServiceCollection AddRegistrationEnforcementJob(this IServiceCollection services, IConfiguration configuration)
    {
        var database = Data.DatabaseOptionsFactory.FromConfiguration(configuration);
        var settings = RegistrationSettings.FromConfiguration(configuration);
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(o => o.SchemaProvisioning = SchemaProvisioning.Validate);
                if (database.Provider == Data.DatabaseProvider.Postgres)
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
                .WithCronSchedule(settings.EnforcementCron, c => c.InTimeZone(settings.ResolveTimeZone())));
        });
        return services;
    }
}
