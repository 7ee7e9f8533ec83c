using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using DeviceRegistry.Web.Eir;

namespace DeviceRegistry.Web.Hosting;

/// <summary>Tells a newcomer where to point a browser once Kestrel listens.</summary>
internal sealed class StartupBanner(IServer server, SbaListener sba, IHostApplicationLifetime lifetime, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is null || addresses.Count == 0)
            {
                return;
            }

            var sbaAddress = sba.Address;
            foreach (var address in addresses)
            {
                var root = address.TrimEnd('/');
                if (sbaAddress is not null && Uri.TryCreate(root, UriKind.Absolute, out var uri) && uri.Port == sbaAddress.Port)
                {
                    logger.LogInformation(
                        "DeviceRegistry's EIR SBA listener (HTTP/2 only, {Protocol}) is on {Address}: N5g-eir {Eir}",
                        uri.Scheme == Uri.UriSchemeHttps ? "h2 over TLS by ALPN" : "h2c prior knowledge",
                        root, root + EirEndpoints.ApiRoot + "/equipment-status");
                    continue;
                }

                logger.LogInformation(
                    "DeviceRegistry is listening on {Address}: public IMEI check page {Page} , API {Api} , back office {BackOffice} , health {Health} , OpenAPI {OpenApi}",
                    root, root + "/", root + "/api/v1/imei/{imei}", root + "/backoffice", root + "/health/ready", root + "/openapi/v1.json");
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class StartupBannerRegistration
{
    public static IServiceCollection AddStartupBanner(this IServiceCollection services) =>
        services.AddHostedService<StartupBanner>();
}
