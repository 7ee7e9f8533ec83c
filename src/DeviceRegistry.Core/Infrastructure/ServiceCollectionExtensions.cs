using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Operators;
using DeviceRegistry.Registrations;
using DeviceRegistry.Sightings;
using DeviceRegistry.Staff;
using Microsoft.AspNetCore.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Infrastructure;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers what both hosts share: every settings section (bound strictly, validated at start), the
    /// registry-wide policy (home networks, the registry's clock), the database, staff accounts (Identity's user and role stores), the attach decision and
    /// the device-state reader behind it, MediatR 5.1.0 (which has no AddMediatR: handlers are found by an
    /// assembly scan) with the validation pipeline, and FluentValidation validators.
    /// </summary>
    public static IServiceCollection AddDeviceRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        var replaced = RegistrySettings.ReplacedKeys(configuration).ToList();
        if (replaced.Count > 0)
        {
            throw new SettingsException(replaced);
        }

        var options = DatabaseOptions.FromConfiguration(configuration);
        var database = new RegistryDatabase(options);
        services.AddSingleton(options);
        services.AddSingleton(database);
        services.AddDbContext<RegistryDbContext>(database.Configure);
        services.AddSingleton<SchemaMigrator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(configuration);

        services.AddSettings<RegistrySettings>(configuration, RegistrySettings.Section);
        services.AddSettings<IngestSettings>(configuration, IngestSettings.Section);
        services.AddSettings<SightingsSettings>(configuration, SightingsSettings.Section);
        services.AddSettings<CloneDetectionSettings>(configuration, CloneDetectionSettings.Section);
        services.AddSettings<DetectionSettings>(configuration, DetectionSettings.Section);
        services.AddSettings<Lists.ListsSettings>(configuration, Lists.ListsSettings.Section);
        services.AddScoped<Lists.ListsExporter>();
        services.AddScoped<Lists.ListDownloads>();
        services.AddSettings<EirSettings>(configuration, EirSettings.Section);
        // The key settings' form is checked with the Eir section at start; the key itself is resolved (for a SQLite
        // file generated) when first needed, so verbs that never touch credentials run without one on PostgreSQL.
        // AddEir resolves it at the web host's start.
        services.AddSingleton(provider =>
        {
            var eir = provider.GetRequiredService<EirSettings>();
            return OperatorCredentialKey.Resolve(eir.CredentialKey, eir.CredentialKeyFile, options);
        });
        services.AddRegistrations(configuration);
        services.AddSettings<AppealSettings>(configuration, AppealSettings.Section);
        services.AddSettings<StaffSettings>(configuration, StaffSettings.Section);
        var staff = Settings.Read<StaffSettings>(configuration, StaffSettings.Section);
        services.AddIdentityCore<StaffUser>(staff.Apply)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<RegistryDbContext>()
            .AddTokenProvider<AuthenticatorTokenProvider<StaffUser>>(TokenOptions.DefaultAuthenticatorProvider);
        services.AddSingleton(provider => new HomeNetworks(provider.GetRequiredService<RegistrySettings>()));
        services.AddSingleton<RegistryClock>();
        services.AddSingleton<AttachDecider>();
        services.TryAddSingleton<IDeviceStatusSource, RegistrationDeviceStatusSource>();
        services.AddSingleton<EirIndexLoader>();

        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.Scan(scan => scan
            .FromAssemblyOf<RegistryDbContext>()
            .AddClasses(c => c.AssignableTo(typeof(IRequestHandler<,>)), publicOnly: false)
            .AsImplementedInterfaces()
            .WithScopedLifetime()
            .AddClasses(c => c.AssignableTo(typeof(IValidator<>)), publicOnly: false)
            .AsImplementedInterfaces()
            .WithScopedLifetime());
        return services;
    }

    /// <summary>
    /// Validates every settings section now, as a host does at start (the CLI has no host): a bad setting
    /// fails here with a message naming its key.
    /// </summary>
    public static void ValidateSettings(this IServiceProvider provider) =>
        provider.GetRequiredService<IStartupValidator>().Validate();
}
