using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Registrations;

public static class RegistrationServiceCollectionExtensions
{
    /// <summary>
    /// The registration settings and, when <c>Registration:SmsOutboxFile</c> is set, the file SMS sender.
    /// Without a configured sender there is none: enforcement keeps warnings pending and says so.
    /// A host adds its gateway as another <see cref="ISmsSender"/>; the last one registered is used.
    /// </summary>
    public static IServiceCollection AddRegistrations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<RegistrationSettings>(configuration, RegistrationSettings.Section);
        if (Settings.Read<RegistrationSettings>(configuration, RegistrationSettings.Section).SmsOutboxFile is { Length: > 0 } file)
        {
            services.AddSingleton<ISmsSender>(new FileSmsSender(file));
        }

        return services;
    }
}
