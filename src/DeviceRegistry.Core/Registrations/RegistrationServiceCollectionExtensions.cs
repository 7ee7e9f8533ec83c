using DeviceRegistry.Infrastructure;
using DeviceRegistry.Sms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Registrations;

public static class RegistrationServiceCollectionExtensions
{
    /// <summary>
    /// The registration settings and the SMS gateway <c>Sms:*</c> names (<see cref="Sms.SmsServiceCollectionExtensions.AddSms"/>).
    /// Without a configured sender there is none: enforcement keeps warnings pending and says so.
    /// A host (a test) may add its own <see cref="ISmsSender"/>; the last one registered is used.
    /// </summary>
    public static IServiceCollection AddRegistrations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<RegistrationSettings>(configuration, RegistrationSettings.Section);
        return services.AddSms(configuration);
    }
}
