using DeviceRegistry.Data;

namespace DeviceRegistry.Web.Hosting;

/// <summary>Creates or upgrades the schema before anything else starts, as `devreg migrate` would.</summary>
internal sealed class SchemaMigrationHostedService(SchemaMigrator migrator, RegistryDatabase database, ILogger<SchemaMigrationHostedService> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await migrator.MigrateAsync(cancellationToken);
        foreach (var script in result.Applied)
        {
            logger.LogInformation("Applied schema script {Version}_{Name}", script.Version, script.Name);
        }

        logger.LogInformation(
            "Schema up to date on {Provider}: {Applied} script(s) applied now, {AlreadyApplied} already applied",
            database.Provider, result.Applied.Count, result.AlreadyApplied);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class SchemaMigrationRegistration
{
    public static IServiceCollection AddSchemaMigrationOnStart(this IServiceCollection services) =>
        services.AddHostedService<SchemaMigrationHostedService>();
}
