using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Web.Demo;

/// <summary>An IMEI from the demo data set worth typing into the public check, and what it shows.</summary>
public sealed record DemoImei(string Imei, string Shows);

/// <summary>Fills an empty database with a demo data set and says which IMEIs to try.</summary>
public interface IDemoDataLoader
{
    Task<IReadOnlyList<DemoImei>> LoadAsync(CancellationToken ct);
}

/// <summary>Settings under <c>Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Load the demo data set when the web host starts on an empty database.</summary>
    public bool LoadOnEmptyDatabase { get; set; } = true;
}

/// <summary>
/// On start, after the schema migration, loads the demo data set when the setting is on and the
/// database holds no devices, TACs or operators, then logs the IMEIs a newcomer can try.
/// </summary>
internal sealed class DemoDataHostedService(
    IServiceScopeFactory scopes,
    Microsoft.Extensions.Options.IOptions<DemoOptions> options,
    ILogger<DemoDataHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.LoadOnEmptyDatabase)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var empty = !await db.SeenImeis.AnyAsync(cancellationToken)
            && !await db.Tacs.AnyAsync(cancellationToken)
            && !await db.Operators.AnyAsync(cancellationToken);
        if (!empty)
        {
            logger.LogInformation("The database holds data: no demo data loaded");
            return;
        }

        var loader = scope.ServiceProvider.GetRequiredService<IDemoDataLoader>();
        var imeis = await loader.LoadAsync(cancellationToken);
        logger.LogInformation("Loaded the demo data set ({Loader}); set Demo:LoadOnEmptyDatabase=false to start empty", loader.GetType().Name);
        foreach (var demo in imeis)
        {
            logger.LogInformation("Demo IMEI to try: {Imei} shows {Shows}", demo.Imei, demo.Shows);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class DemoDataRegistration
{
    public static IServiceCollection AddDemoData(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddScoped<IDemoDataLoader, BuiltInDemoDataLoader>();
        services.AddHostedService<DemoDataHostedService>();
        return services;
    }
}
