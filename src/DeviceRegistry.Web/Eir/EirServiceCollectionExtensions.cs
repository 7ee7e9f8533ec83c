using DeviceRegistry.Eir;
using DeviceRegistry.Operators;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeviceRegistry.Web.Eir;

public static class EirServiceCollectionExtensions
{
    /// <summary>
    /// The EIR: settings (<c>Eir:*</c>, <c>Registration:WindowDays</c>), the decision index with its loader
    /// and change-log poller, the check-sightings writer, operator authentication and the "eir-index"
    /// readiness check (tagged "ready"). Needs AddDeviceRegistry. Register your own
    /// <see cref="IDeviceStatusSource"/> or <see cref="ISightingSink"/> before calling this to replace the defaults.
    /// </summary>
    public static IServiceCollection AddEir(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(EirSettings.FromConfiguration(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDeviceStatusSource, DeviceRegistry.Registrations.RegistrationDeviceStatusSource>();
        services.TryAddSingleton<ISightingSink, SqlSightingSink>();
        services.AddSingleton<EirIndex>();
        services.AddSingleton<EirIndexLoader>();
        services.AddSingleton<EirIndexService>();
        services.AddHostedService(sp => sp.GetRequiredService<EirIndexService>());
        services.AddSingleton<SightingBatchWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<SightingBatchWriter>());
        services.AddSingleton<EirChecker>();
        services.AddSingleton<OperatorAuthenticator>();
        services.AddHealthChecks().AddCheck<EirIndexHealthCheck>(EirIndexHealthCheck.Name, tags: ["ready"]);
        return services;
    }
}
