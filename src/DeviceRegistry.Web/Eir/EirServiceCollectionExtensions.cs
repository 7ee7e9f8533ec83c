using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Operators;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeviceRegistry.Web.Eir;

public static class EirServiceCollectionExtensions
{
    /// <summary>
    /// The EIR: the decision index with its change-log poller (settings, the decision and the device-state
    /// reader come from AddDeviceRegistry), the check-sightings writer, the answer counter (eir_answer_counts), admission control (EirAdmission), operator authentication and the "eir-index"
    /// readiness check (tagged "ready"). Needs AddDeviceRegistry. Register your own
    /// <see cref="IDeviceStatusSource"/> or <see cref="ISightingSink"/> before calling this to replace the defaults.
    /// </summary>
    public static IServiceCollection AddEir(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<ISightingSink, SqlSightingSink>();
        services.AddSingleton<EirIndex>();
        services.AddSingleton<ChangeLogWakeup>();
        // With a read replica the index loads and follows the change log there; checks' sightings still go to the primary.
        var replica = DatabaseOptions.FromConfiguration(configuration).ReadReplica();
        services.AddSingleton(sp => replica is null
            ? ActivatorUtilities.CreateInstance<EirIndexService>(sp)
            : ActivatorUtilities.CreateInstance<EirIndexService>(sp,
                new EirIndexLoader(new RegistryDatabase(replica), sp.GetRequiredService<IDeviceStatusSource>())));
        services.AddHostedService(sp => sp.GetRequiredService<EirIndexService>());
        services.AddSingleton<SightingBatchWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<SightingBatchWriter>());
        services.AddSingleton<EirAnswerCounter>();
        services.AddHostedService(sp => sp.GetRequiredService<EirAnswerCounter>());
        services.AddSingleton<EirChecker>();
        services.AddSingleton<EirAdmission>();
        services.AddHostedService(sp => sp.GetRequiredService<EirAdmission>());
        services.AddSingleton<OperatorAuthenticator>();
        services.AddSingleton<AuthenticationFailureLimiter>();
        services.AddSingleton<NrfAccessTokens>();
        // The operators' credential key is needed on every check: a missing or bad key stops the host at start.
        services.AddOptions<CredentialKeyAtStart>()
            .Configure<IServiceProvider>((_, provider) => provider.GetRequiredService<OperatorCredentialKey>())
            .ValidateOnStart();
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(EirProtocolMiddleware.ConfigureKestrel);
        // The Diameter S13 peer for 4G cores (Eir:Diameter, off unless enabled), started after what it answers from.
        services.AddSingleton<Diameter.DiameterPeerService>();
        services.AddHostedService(sp => sp.GetRequiredService<Diameter.DiameterPeerService>());
        services.AddHealthChecks().AddCheck<EirIndexHealthCheck>(EirIndexHealthCheck.Name, tags: ["ready"]);
        return services;
    }
}

/// <summary>Resolves the <see cref="OperatorCredentialKey"/> when the web host starts (an options type with nothing in it).</summary>
internal sealed class CredentialKeyAtStart;
