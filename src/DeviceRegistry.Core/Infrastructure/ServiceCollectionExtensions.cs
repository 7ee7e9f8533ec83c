using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeviceRegistry.Infrastructure;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database, MediatR 5.1.0 (which has no AddMediatR: handlers are found by an
    /// assembly scan) with the validation pipeline, FluentValidation validators and the clock.
    /// </summary>
    public static IServiceCollection AddDeviceRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = DatabaseOptionsFactory.FromConfiguration(configuration);
        var database = new RegistryDatabase(options);
        services.AddSingleton(options);
        services.AddSingleton(database);
        services.AddDbContext<RegistryDbContext>(database.Configure);
        services.AddSingleton<SchemaMigrator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(configuration);
        services.AddRegistrations(configuration);

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
}
