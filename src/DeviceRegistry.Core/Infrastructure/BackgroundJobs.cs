using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage.SQLite;
using MediatR;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Infrastructure;

/// <summary>The <c>BackgroundJobs</c> section: Hangfire, the durable background work with retries (ADR 0004).</summary>
public sealed class BackgroundJobsSettings : ISettingsSection
{
    public const string Section = "BackgroundJobs";

    /// <summary>Hangfire in the web host: its storage in the registry database, the client that enqueues, and (with <see cref="Server"/>) the server that runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Run jobs in this host; false: the host only enqueues (another node runs them).</summary>
    public bool Server { get; set; } = true;

    /// <summary>Jobs run at once by this host's server.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>How often the server looks for enqueued jobs and for retries that are due.</summary>
    public int PollSeconds { get; set; } = 15;

    /// <summary>The waits before each retry of a failed job; their count is the number of retries (then the job is Failed, on the dashboard).</summary>
    public IReadOnlyList<int>? RetryDelaysSeconds { get; set; }

    /// <summary>The retry delays in force: unset, 30 s, 2, 10 and 30 minutes, then hourly for 4 hours.</summary>
    public IReadOnlyList<int> Retries => RetryDelaysSeconds ?? [30, 120, 600, 1800, 3600, 3600, 3600, 3600];

    public IEnumerable<string> Validate(string section)
    {
        if (WorkerCount is < 1 or > 50)
        {
            yield return $"{section}:WorkerCount is {WorkerCount}; it must be from 1 to 50";
        }

        if (PollSeconds is < 1 or > 600)
        {
            yield return $"{section}:PollSeconds is {PollSeconds}; it must be from 1 to 600";
        }

        if (Retries.Any(d => d is < 1 or > 86400))
        {
            yield return $"{section}:RetryDelaysSeconds has {string.Join(", ", Retries)}; each wait must be from 1 to 86400 seconds";
        }
    }
}

/// <summary>
/// Hangfire on the registry database (ADR 0004): Hangfire.PostgreSql (its own schema <c>hangfire</c>) or
/// Hangfire.Storage.SQLite (its own tables in the registry file), each creating its tables itself. No static Hangfire
/// state is used (GlobalConfiguration, JobStorage.Current, global filters), so several hosts in one process each keep
/// their own storage, retry policy and server. The host adds <see cref="BackgroundJobsServer"/> as a hosted service
/// when <see cref="BackgroundJobsSettings.Server"/> is on, and may map the dashboard over <see cref="JobStorage"/>.
/// </summary>
public static class BackgroundJobs
{
    /// <summary>The schema of Hangfire's tables on PostgreSQL.</summary>
    public const string PostgresSchema = "hangfire";

    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = Settings.Read<BackgroundJobsSettings>(configuration, BackgroundJobsSettings.Section);
        var database = DatabaseOptions.FromConfiguration(configuration);
        services.AddSettings<BackgroundJobsSettings>(configuration, BackgroundJobsSettings.Section);
        services.AddSingleton<JobStorage>(_ => CreateStorage(database, settings));

        // Every job is retried with the configured back-off, except where a retry cannot help: a lists export refused by
        // its change-share check fails at once (a person decides whether to force it). A method's own attributes
        // (DisableConcurrentExecution) apply too.
        var filters = new JobFilterCollection
        {
            new AutomaticRetryAttribute
            {
                Attempts = settings.Retries.Count, DelaysInSeconds = [.. settings.Retries], OnAttemptsExceeded = AttemptsExceededAction.Fail,
                ExceptOn = [typeof(Lists.ListsExportRefusedException)],
            },
        };
        services.AddSingleton<IJobFilterProvider>(new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider()));
        services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>()));
        services.AddSingleton<BackgroundWork>();

        // An appeal decision's follow-ups (its SMS) go to a job rather than waiting for the delivery loop.
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(AppealFollowUps<,>));
        if (settings.Server)
        {
            var node = Settings.Read<JobsSettings>(configuration, JobsSettings.Section).NodeName ?? Environment.MachineName;
            services.AddHostedService(sp => ActivatorUtilities.CreateInstance<BackgroundJobsServer>(sp, node));
        }

        return services;
    }

    private static JobStorage CreateStorage(DatabaseOptions database, BackgroundJobsSettings settings)
    {
        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var options = new PostgreSqlStorageOptions { SchemaName = PostgresSchema, QueuePollInterval = poll, PrepareSchemaIfNecessary = true };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, options), options);
        }

        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        return new SQLiteStorage(file, new SQLiteStorageOptions { QueuePollInterval = poll });
    }
}

/// <summary>Enqueues the registry's durable background work (Hangfire); registered only when <c>BackgroundJobs:Enabled</c>.</summary>
public sealed class BackgroundWork(IBackgroundJobClient client)
{
    /// <summary>Delivers every pending SMS (registration warnings and appeal decisions), retried with back-off while some fail.</summary>
    public string EnqueueSmsDelivery() => client.Enqueue<SmsDeliveryJob>(job => job.DeliverAsync(CancellationToken.None));

    /// <summary>The operators' lists as of <paramref name="asOf"/> (the scheduled export), retried with back-off unless refused.</summary>
    public string EnqueueListsExport(DateOnly asOf) => client.Enqueue<Lists.ListsExportWork>(job => job.ExportAsync(asOf, CancellationToken.None));

    /// <summary>
    /// The SMS delivery after a change that queued messages; a failure to enqueue (the database away) is logged, not the
    /// change's failure: the messages are in the outbox, and the next enqueue or enforcement sends them.
    /// </summary>
    public void FollowUp(ILogger logger, string what)
    {
        try
        {
            EnqueueSmsDelivery();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The SMS delivery after {What} could not be enqueued; the messages stay pending", what);
        }
    }
}

/// <summary>
/// Hangfire's job: sends the pending SMS of both outboxes through the registered <see cref="ISmsSender"/> (the same
/// <see cref="SmsOutbox.DeliverPendingAsync"/> as the enforcement), and fails while any was refused by the gateway, so
/// Hangfire retries it with back-off (a retry sends only what is still pending). One at a time across nodes: two
/// deliveries at once could send a message twice.
/// </summary>
public sealed class SmsDeliveryJob(
    RegistryDbContext db, IMediator mediator, IEnumerable<ISmsSender> senders, RegistrationSettings registration, RegistryClock clock, ILogger<SmsDeliveryJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    public async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (senders.LastOrDefault() is not { } sender)
        {
            logger.LogInformation("SMS delivery: no SMS sender is configured; the messages stay pending");
            return;
        }

        var (sent, failed) = await RegistrationWarnings.DeliverAsync(db, sender, registration, clock, cancellationToken);
        var appeals = await mediator.Send(new DeliverAppealMessages(), cancellationToken);
        logger.LogInformation("SMS delivery: warnings {Sent} sent, {Failed} failed; appeal decisions {AppealsSent} sent, {AppealsFailed} failed",
            sent, failed, appeals.Sent, appeals.Failed);
        if (failed + appeals.Failed > 0)
        {
            throw new SmsDeliveryIncompleteException(
                $"{failed + appeals.Failed} of {sent + failed + appeals.Sent + appeals.Failed} SMS not accepted by the gateway " +
                $"({failed} warnings, {appeals.Failed} appeal decisions); they stay pending for the retry");
        }
    }
}

/// <summary>Some SMS of a delivery run were refused; the job fails so that Hangfire retries it.</summary>
public sealed class SmsDeliveryIncompleteException(string message) : Exception(message);

/// <summary>
/// After an appeal decision or a request for information (which queue the applicant's SMS), enqueues the SMS delivery:
/// the decision's follow-ups run as a durable, retried job (registered only with Hangfire).
/// </summary>
internal sealed class AppealFollowUps<TRequest, TResponse>(BackgroundWork work, ILogger<BackgroundWork> logger) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var response = await next();
        if (request is DecideAppeal or RequestInformation)
        {
            work.FollowUp(logger, typeof(TRequest).Name);
        }

        return response;
    }
}

/// <summary>
/// This host's Hangfire server (<c>BackgroundJobs:Server</c>): started with the host, stopped on its stop within the host's
/// stop timeout, also with the database gone (workers are cancelled; what a crash would leave, a job being processed, is
/// picked up again after Hangfire's invisibility timeout).
/// </summary>
public sealed class BackgroundJobsServer(
    JobStorage storage, BackgroundJobsSettings settings, IJobFilterProvider filters, IServiceScopeFactory scopes, string node) : IHostedService, IDisposable
{
    private BackgroundJobServer? server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                ServerName = node,
                WorkerCount = settings.WorkerCount,
                SchedulePollingInterval = poll,
                StopTimeout = TimeSpan.FromSeconds(2),
                ShutdownTimeout = TimeSpan.FromSeconds(5),
                FilterProvider = filters,
                Activator = new ScopedJobActivator(scopes),
            },
            storage);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is null)
        {
            return;
        }

        server.SendStop();
        try
        {
            await server.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's stop timeout: Dispose below abandons what is left.
        }
    }

    public void Dispose()
    {
        server?.Dispose();
        server = null;
    }

    /// <summary>Each job in its own DI scope (its DbContext), created with its constructor's services.</summary>
    private sealed class ScopedJobActivator(IServiceScopeFactory scopes) : JobActivator
    {
        public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(scopes.CreateScope());

        private sealed class Scope(IServiceScope scope) : JobActivatorScope
        {
            public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

            public override void DisposeScope() => scope.Dispose();
        }
    }
}
