using DeviceRegistry.Infrastructure;
using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Web.Demo;

/// <summary>
/// An IMEI from the demo data set worth typing into the public check: the 15 digits, the public
/// status code it shows (as in GET /api/v1/imei) and a line for the log.
/// </summary>
public sealed record DemoImei(string Imei, string Status, string Shows);

/// <summary>Fills an empty database with a demo data set and says which IMEIs to try.</summary>
public interface IDemoDataLoader
{
    /// <summary>Loads the data set into an empty database; returns the IMEIs to try.</summary>
    Task<IReadOnlyList<DemoImei>> LoadAsync(CancellationToken ct);

    /// <summary>The IMEIs to try when the data set was loaded by an earlier start; empty when it is not there.</summary>
    Task<IReadOnlyList<DemoImei>> FindLoadedAsync(CancellationToken ct);
}

/// <summary>The demo IMEIs the public page offers to try; empty when no demo data set is loaded.</summary>
public sealed class DemoShowcase
{
    public IReadOnlyList<DemoImei> Imeis { get; set; } = [];
}

/// <summary>Settings under <c>Demo</c>.</summary>
public sealed class DemoOptions : DeviceRegistry.Infrastructure.ISettingsSection
{
    public const string Section = "Demo";

    /// <summary>
    /// Load the demo data set when the web host starts on an empty database. Off unless asked for:
    /// appsettings.Development.json turns it on for <c>dotnet run</c>; Production only with the setting.
    /// </summary>
    public bool LoadOnEmptyDatabase { get; set; }

    /// <summary>The generator's seed: the same seed gives the same data set (relative to today).</summary>
    public int Seed { get; set; } = 2026;

    /// <summary>Devices (phones) in the demo set; each may carry several IMEIs and SIMs.</summary>
    public int Devices { get; set; } = 600;

    /// <summary>Days of attach logs, ending yesterday.</summary>
    public int Days { get; set; } = 90;

    public IEnumerable<string> Validate(string section)
    {
        if (Devices is < 1 or > 1_000_000)
        {
            yield return $"{section}:Devices is {Devices}; it must be from 1 to 1000000";
        }

        if (Days is < 1 or > 366)
        {
            yield return $"{section}:Days is {Days}; it must be from 1 to 366";
        }
    }
}

/// <summary>
/// On start, after the schema migration, loads the demo data set when the database holds no devices,
/// TACs or operators, then logs the IMEIs a newcomer can try. Registered only when the setting is on.
/// </summary>
internal sealed class DemoDataHostedService(
    IServiceScopeFactory scopes,
    DemoShowcase showcase,
    ILogger<DemoDataHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var empty = !await db.SeenImeis.AnyAsync(cancellationToken)
            && !await db.Tacs.AnyAsync(cancellationToken)
            && !await db.Operators.AnyAsync(cancellationToken);
        var loader = scope.ServiceProvider.GetRequiredService<IDemoDataLoader>();
        IReadOnlyList<DemoImei> imeis;
        if (empty)
        {
            imeis = await loader.LoadAsync(cancellationToken);
            logger.LogInformation("Loaded the demo data set ({Loader}); set Demo:LoadOnEmptyDatabase=false to start empty", loader.GetType().Name);
            foreach (var (userName, role, password) in await DemoStaff.CreateAsync(scope.ServiceProvider, cancellationToken))
            {
                logger.LogInformation("Demo staff account: {UserName} ({Role}), password {Password} , sign in at /backoffice", userName, role, password);
            }

            var appeals = await DemoAppeals.CreateAsync(scope.ServiceProvider, cancellationToken);
            logger.LogInformation("Demo appeals filed: {Count}, in several states; sign in as reviewer to see the queue", appeals);
        }
        else
        {
            imeis = await loader.FindLoadedAsync(cancellationToken);
            logger.LogInformation("The database holds data: no demo data loaded now ({Count} demo IMEIs found from an earlier start)", imeis.Count);
        }

        showcase.Imeis = imeis;
        foreach (var demo in imeis)
        {
            logger.LogInformation("Demo IMEI to try: {Imei} shows {Shows}", demo.Imei, demo.Shows);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class DemoDataRegistration
{
    /// <summary>
    /// The public page's (empty) <see cref="DemoShowcase"/> always; the loader, and with it the
    /// DeviceRegistry.Demo assembly, only when <c>Demo:LoadOnEmptyDatabase</c> is on.
    /// </summary>
    public static IServiceCollection AddDemoData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DemoShowcase>();
        services.AddSettings<DemoOptions>(configuration, DemoOptions.Section);
        if (!Settings.Read<DemoOptions>(configuration, DemoOptions.Section).LoadOnEmptyDatabase)
        {
            return services;
        }

        services.AddScoped<IDemoDataLoader, GeneratedDemoDataLoader>();
        services.AddHostedService<DemoDataHostedService>();
        return services;
    }
}
