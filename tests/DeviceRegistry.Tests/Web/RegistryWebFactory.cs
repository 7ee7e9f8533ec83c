using System.Diagnostics;
using System.Net;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir;
using DeviceRegistry.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Tests.Web;

/// <summary>
/// The whole web host on a fresh migrated <see cref="TestDatabase"/> of one provider, for any
/// engineer's HTTP tests, in environment Testing unless a test names another. Demo data is off (as
/// everywhere but Development) and the public rate limit is out of the way unless a test passes its
/// own settings. Dispose it to stop the host and delete the database.
/// </summary>
/// <example>
/// <code>
/// await using var web = await RegistryWebFactory.CreateAsync(provider);
/// using var client = web.CreateClient();
/// </code>
/// </example>
public sealed class RegistryWebFactory : WebApplicationFactory<DeviceRegistry.Web.WebEntryPoint>
{
    private readonly Dictionary<string, string?> settings;
    private readonly string environment;
    private readonly bool ownsDatabase;

    private RegistryWebFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings, string environment, bool ownsDatabase = true)
    {
        Database = database;
        this.ownsDatabase = ownsDatabase;
        this.environment = environment;
        this.settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["PublicCheck:PermitPerMinute"] = "100000",

            // The EIR's SBA listener on a free port, so parallel hosts never meet on 5081 (it exists only under StartKestrel).
            ["Eir:SbaListen"] = "http://127.0.0.1:0",

            // The test process runs many hosts and blocking test code on one thread pool, on a shared machine: a
            // stall there is no overload of the host under test. The overload tests measure the queue and the rate.
            ["Eir:ThreadPoolShedDelayMilliseconds"] = "0",

            // No daily lists export in a test host unless the test schedules one (appsettings.json does).
            ["Lists:ExportTime"] = "",

            // No Hangfire server polling the database in every test host: the tests of background jobs turn it on.
            ["BackgroundJobs:Enabled"] = "false",
        };
        foreach (var (key, value) in database.Settings)
        {
            this.settings[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            this.settings[key] = value;
        }
    }

    public TestDatabase Database { get; }

    /// <summary>When set before the host starts, the host's clock (for tests that move through days).</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>When set before the host starts, receives every log line of the host at every level (for tests of what is never logged).</summary>
    public CapturedLogs? Logs { get; set; }

    /// <summary>
    /// When set before the host starts, runs after the host's own registrations (ConfigureTestServices), to replace a
    /// service with a test one (e.g. an <c>ISightingSink</c> that holds its writes).
    /// </summary>
    public Action<IServiceCollection>? ServiceOverrides { get; set; }

    /// <summary>
    /// A new database of the provider and a factory on it; <paramref name="settings"/> override the defaults above,
    /// <paramref name="environment"/> is the host's (Testing: not Development, so errors look as they do in service).
    /// </summary>
    public static async Task<RegistryWebFactory> CreateAsync(
        DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing") =>
        new(await TestDatabase.CreateAsync(provider), settings, environment);

    /// <summary>
    /// A host on a database the test owns and keeps after disposing the host: for a restart, a second host on the
    /// same database.
    /// </summary>
    public static RegistryWebFactory On(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing") =>
        new(database, settings, environment, ownsDatabase: false);

    /// <summary>
    /// Starts the host on real Kestrel sockets on 127.0.0.1 with free ports (for a browser, curl, h2load) and
    /// returns the main listener's address; <see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/> then talks to that socket.
    /// The main listener comes from the <c>Urls</c> setting, as in service; the EIR's SBA listener is <see cref="SbaAddress"/>.
    /// </summary>
    public Uri StartKestrel()
    {
        settings["Urls"] = "http://127.0.0.1:0";
        UseKestrel(_ => { });
        StartServer();
        var sba = SbaAddress;
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => sba is null || new Uri(a).Port != sba.Port);
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>After <see cref="StartKestrel"/>: the EIR's SBA listener (HTTP/2 only, h2c), or null when Eir:SbaListen is empty.</summary>
    public Uri? SbaAddress => Services.GetRequiredService<SbaListener>().Address;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        // A host whose database was taken away stops within this (Quartz keeps retrying its store until then),
        // not the default 30 s.
        builder.ConfigureServices(services => services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10)));
        if (Logs is { } logs)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace));
        }

        if (Clock is { } clock)
        {
            builder.ConfigureServices(services => services.AddSingleton(clock));
        }

        if (ServiceOverrides is { } overrides)
        {
            builder.ConfigureTestServices(overrides);
        }
    }

    /// <summary>
    /// Starts the host and, as a load balancer's readiness probe would, waits until the EIR's decision index has
    /// loaded (it loads in the background; until then every check is 503): a busy machine must not turn a test's
    /// first check into a refusal. A host that cannot read its database is returned at once.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        var checker = host.Services.GetRequiredService<EirChecker>();
        var indexService = host.Services.GetRequiredService<EirIndexService>();
        var waited = Stopwatch.StartNew();
        while (!checker.IsReady && indexService.LastError is null && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(10);
        }

        return host;
    }

    /// <summary>A host that has not stopped after this is a defect, reported as a failure rather than a hung test run.</summary>
    public static TimeSpan StopLimit { get; } = TimeSpan.FromSeconds(60);

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync().AsTask().WaitAsync(StopLimit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The web host did not stop within {StopLimit.TotalSeconds:F0} s (the host's shutdown timeout is 10 s): something in its stop ignores the timeout.");
        }

        if (ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
