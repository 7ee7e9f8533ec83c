using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Sms;

public static class SmsServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Sms</c> settings and the one <see cref="ISmsSender"/> they name: Kannel's smsbox (<c>Sms:Gateway</c> Kannel),
    /// or the outbox file (File, the default) when <c>Sms:OutboxFile</c> (or its older name <c>Registration:SmsOutboxFile</c>)
    /// is set; otherwise none, and the outboxes stay pending. Both outboxes (warnings, appeal messages) use it.
    /// </summary>
    public static IServiceCollection AddSms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SmsSettings>(configuration, SmsSettings.Section);
        services.AddSingleton(provider => provider.GetRequiredService<SmsSettings>().Kannel);
        var sms = Settings.Read<SmsSettings>(configuration, SmsSettings.Section);
        var registration = Settings.Read<RegistrationSettings>(configuration, RegistrationSettings.Section);
        if (registration.SmsOutboxFile is { Length: > 0 } && (sms.OutboxFile is { Length: > 0 } || sms.Gateway != SmsGateway.File))
        {
            throw new SettingsException([
                $"{RegistrationSettings.Section}:SmsOutboxFile is the older name of {SmsSettings.Section}:OutboxFile, for the File gateway; " +
                $"set only {SmsSettings.Section}:OutboxFile (with {SmsSettings.Section}:Gateway File)"]);
        }

        switch (sms.Gateway)
        {
            case SmsGateway.Kannel:
                services.AddSingleton<ISmsSender>(provider => new KannelSmsSender(provider.GetRequiredService<KannelSettings>()));
                break;
            case SmsGateway.File when (sms.OutboxFile ?? registration.SmsOutboxFile) is { Length: > 0 } file:
                services.AddSingleton<ISmsSender>(new FileSmsSender(file));
                break;
        }

        return services;
    }
}
