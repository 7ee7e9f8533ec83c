using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Registrations;

public static class RegistrationServiceCollectionExtensions
{
    /// <summary>
    /// The registration settings and the SMS sender (a file sender when <c>Registration:SmsOutboxFile</c>
    /// is set, otherwise the logging one). A host that registers its own <see cref="ISmsSender"/> first keeps it.
    /// </summary>
    public static IServiceCollection AddRegistrations(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = RegistrationSettings.FromConfiguration(configuration);
        services.TryAddSingleton(settings);
        services.AddLogging();
        if (settings.SmsOutboxFile is { } file)
        {
            services.TryAddSingleton<ISmsSender>(new FileSmsSender(file));
        }
        else
        {
            services.TryAddSingleton<ISmsSender>(sp => new LoggingSmsSender(sp.GetRequiredService<ILogger<LoggingSmsSender>>()));
        }

        return services;
    }
}
