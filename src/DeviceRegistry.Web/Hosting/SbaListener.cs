using System.Net;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Web.Eir;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace DeviceRegistry.Web.Hosting;

/// <summary>
/// The dedicated SBA listener (<c>Eir:SbaListen</c>, docs/eir.md "HTTP/2"): HTTP/2 only, so that 5G core peers
/// speak cleartext HTTP/2 with prior knowledge (h2c) to the EIR, or HTTP/2 over TLS (ALPN h2, optionally mutual TLS)
/// on an https:// address; Kestrel answers h2c prior knowledge only on an endpoint whose protocols are Http2 alone.
/// It serves the EIR's paths only.
/// </summary>
public sealed class SbaListener
{
    private ListenOptions? listen;
    private bool tlsOn;

    /// <summary>Whether the host has an SBA listener.</summary>
    public bool Enabled => listen is not null;

    /// <summary>
    /// The port of the SBA listener (once the server has bound it, a port 0 setting resolved), or 0 when there is
    /// none. Requests arriving on it see only the EIR.
    /// </summary>
    public int Port => listen?.EndPoint is IPEndPoint endpoint ? endpoint.Port : 0;

    /// <summary>The SBA listener's address once the server has started, e.g. http://127.0.0.1:5081, or null.</summary>
    public Uri? Address => listen?.EndPoint is IPEndPoint { Port: > 0 } endpoint
        ? new Uri((tlsOn ? "https://" : "http://") + (endpoint.Address.Equals(IPAddress.Any) ? "0.0.0.0"
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? "[::]"
            : endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]"
            : endpoint.Address.ToString()) + ":" + endpoint.Port)
        : null;

    /// <summary>
    /// Adds the SBA listener to Kestrel beside the host's standard endpoints. Kestrel binds either the code's
    /// endpoints or the <c>Urls</c> addresses, never both; so when the SBA listener is added and Kestrel:Endpoints
    /// is not configured, the <c>Urls</c> (appsettings, <c>--urls</c>, ASPNETCORE_URLS) become Kestrel endpoints
    /// here, read by Kestrel's own configuration loader (Kestrel:EndpointDefaults and Kestrel:Certificates apply).
    /// </summary>
    internal void Configure(IConfiguration configuration, KestrelServerOptions kestrel)
    {
        var settings = Settings.Read<EirSettings>(configuration, EirSettings.Section);
        var kestrelSection = configuration.GetSection("Kestrel");
        var endpointsConfigured = kestrelSection.GetSection("Endpoints").GetChildren().Any();
        if (settings.SbaEndpoint(endpointsConfigured) is not { } sba)
        {
            return;
        }

        if (!endpointsConfigured)
        {
            var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (urls.Length > 0)
            {
                var merged = kestrelSection.AsEnumerable(makePathsRelative: true)
                    .Where(pair => pair.Value is not null)
                    .ToDictionary(pair => pair.Key, pair => pair.Value);
                for (var i = 0; i < urls.Length; i++)
                {
                    merged[$"Endpoints:Urls{i}:Url"] = urls[i];
                }

                kestrel.Configure(new ConfigurationBuilder().AddInMemoryCollection(merged).Build(), reloadOnChange: false);
                HostingUrlsTranslated = true;
            }
        }

        var tls = settings.SbaTls ? Tls(settings) : null;
        void Http2Only(ListenOptions options)
        {
            options.Protocols = HttpProtocols.Http2;
            if (tls is not null)
            {
                // ALPN offers h2 alone, as the protocols above say.
                options.UseHttps(tls);
                tlsOn = true;
            }
            else
            {
                // An HTTP/1.x request here gets Kestrel's text/plain 400: made a ProblemDetails.
                options.UseErrorProblemDetails();
            }

            listen = options;
        }

        if (sba.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(sba.Port, Http2Only);
        }
        else if (sba.Host is "*" or "+")
        {
            kestrel.ListenAnyIP(sba.Port, Http2Only);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(sba.Host), sba.Port, Http2Only);
        }
    }

    /// <summary>The SBA listener's TLS: its certificate and, for mutual TLS, which client certificates it trusts.</summary>
    private static HttpsConnectionAdapterOptions Tls(EirSettings settings)
    {
        var path = settings.SbaCertificatePath!;
        var certificate = string.IsNullOrWhiteSpace(settings.SbaCertificateKeyPath)
            ? X509CertificateLoader.LoadPkcs12FromFile(path, settings.SbaCertificatePassword)
            : string.IsNullOrEmpty(settings.SbaCertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, settings.SbaCertificateKeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, settings.SbaCertificatePassword, settings.SbaCertificateKeyPath);
        if (!certificate.HasPrivateKey)
        {
            throw new SettingsException([$"{EirSettings.Section}:SbaCertificatePath '{path}' has no private key (for a PEM certificate give {EirSettings.Section}:SbaCertificateKeyPath)"]);
        }

        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = settings.SbaClientCertificates switch
            {
                SbaClientCertificates.Require => ClientCertificateMode.RequireCertificate,
                SbaClientCertificates.Allow => ClientCertificateMode.AllowCertificate,
                _ => ClientCertificateMode.NoCertificate,
            },
        };
        if (!string.IsNullOrWhiteSpace(settings.SbaClientCertificateAuthorityPath))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(settings.SbaClientCertificateAuthorityPath);
            options.ClientCertificateValidation = (client, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2")); // TLS client authentication
                return chain.Build(client);
            };
        }

        return options;
    }

    /// <summary>Whether the <c>Urls</c> addresses were turned into Kestrel endpoints (so the hosting layer's copy is dropped).</summary>
    internal bool HostingUrlsTranslated { get; private set; }

    /// <summary>A request on the SBA listener for anything but the EIR: 404 problem+json (TS 29.500 RESOURCE_URI_STRUCTURE_NOT_FOUND).</summary>
    internal static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(
            "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"The SBA listener serves the N5g-eir API only (" + EirEndpoints.ApiRoot + ").\","
            + "\"cause\":\"RESOURCE_URI_STRUCTURE_NOT_FOUND\"}");
    }
}

/// <summary>
/// Wraps the host's server: when <see cref="SbaListener"/> has turned the <c>Urls</c> into Kestrel endpoints, the
/// hosting layer's copy of them is dropped before Kestrel binds (else Kestrel warns that it overrides them); and the
/// server runs <see cref="EirFirstApplication{THostContext}"/>, which hands the EIR's requests, on every listener,
/// straight to the EIR's pipeline.
/// </summary>
internal sealed class SbaListenerServer(IServer inner, SbaListener sba, IServiceProvider services) : IServer
{
    public IFeatureCollection Features => inner.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        if (sba.HostingUrlsTranslated && Features.Get<IServerAddressesFeature>() is { Addresses.IsReadOnly: false } addresses)
        {
            addresses.Addresses.Clear();
        }

        await inner.StartAsync(new EirFirstApplication<TContext>(application,
            services.GetRequiredService<EirRequestPipeline>(),
            services.GetRequiredService<IServiceScopeFactory>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Features.FormOptions>>().Value), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    public void Dispose() => inner.Dispose();
}

public static class SbaListenerRegistration
{
    /// <summary>The SBA listener (<c>Eir:SbaListen</c>): configured when Kestrel's options are built, from the final configuration.</summary>
    public static WebApplicationBuilder AddSbaListener(this WebApplicationBuilder builder)
    {
        var sba = new SbaListener();
        builder.Services.AddSingleton(sba);
        builder.WebHost.ConfigureKestrel((context, kestrel) => sba.Configure(context.Configuration, kestrel));
        return builder;
    }

    /// <summary>Wraps the registered server (Kestrel) so the hosting layer's copy of translated <c>Urls</c> is dropped.</summary>
    public static IServiceCollection WrapServerForSbaListener(this IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IServer));
        if (descriptor is null)
        {
            return services;
        }

        services.Remove(descriptor);
        services.AddSingleton<IServer>(sp => new SbaListenerServer(
            (IServer)(descriptor.ImplementationInstance
                ?? descriptor.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!)),
            sp.GetRequiredService<SbaListener>(), sp));
        services.AddSingleton<EirRequestPipeline>();
        return services;
    }

    /// <summary>On the SBA listener, anything outside the EIR's root is 404 before any other middleware runs.</summary>
    public static IApplicationBuilder UseSbaListenerPaths(this IApplicationBuilder app)
    {
        var sba = app.ApplicationServices.GetRequiredService<SbaListener>();
        return app.Use((context, next) =>
            sba.Port != 0 && context.Connection.LocalPort == sba.Port && !context.Request.Path.StartsWithSegments(EirEndpoints.ApiRoot)
                ? SbaListener.NotFoundAsync(context)
                : next(context));
    }
}
