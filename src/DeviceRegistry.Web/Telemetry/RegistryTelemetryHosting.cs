using System.Diagnostics.Metrics;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Web.Eir;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DeviceRegistry.Web.Telemetry;

/// <summary>The <c>Metrics</c> section: the Prometheus scraping endpoint (docs/operations.md, "Metrics and traces").</summary>
public sealed class MetricsSettings : ISettingsSection
{
    public const string Section = "Metrics";

    /// <summary>Whether the host collects metrics and serves them at <see cref="Path"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scraping endpoint's path.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>When set, the endpoint answers only requests that arrived on this local port (a listener in <c>Urls</c> of its own).</summary>
    public int? Port { get; set; }

    public IEnumerable<string> Validate(string section)
    {
        if (Path is not ['/', _, ..] || Path.Contains('?', StringComparison.Ordinal) || Path.Contains('#', StringComparison.Ordinal)
            || Path.Any(char.IsWhiteSpace))
        {
            yield return $"{section}:Path is '{Path}'; it must be a path such as /metrics (a leading /, no query, no spaces)";
        }
        else if (new PathString(Path.TrimEnd('/')).StartsWithSegments(EirEndpoints.ApiRoot))
        {
            yield return $"{section}:Path is '{Path}'; it must not be under the EIR's {EirEndpoints.ApiRoot}";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{section}:Port is {Port}; it must be a TCP port from 1 to 65535, or left out (every listener)";
        }
    }
}

public static class RegistryTelemetryHosting
{
    /// <summary>The service name traces and metrics are reported under.</summary>
    public const string ServiceName = "devreg-web";

    /// <summary>
    /// OpenTelemetry for the web host: with <c>Metrics:Enabled</c>, the registry's meter (<see cref="RegistryTelemetry"/>),
    /// ASP.NET Core's and Kestrel's, HttpClient's and the .NET runtime's instruments, for the Prometheus endpoint that
    /// <see cref="MapRegistryMetrics"/> maps; with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, traces (the registry's ingest
    /// and detection runs, ASP.NET Core requests other than the EIR's and the scrapes, outgoing HTTP) exported over OTLP
    /// (the exporter reads the standard OTEL_EXPORTER_OTLP_* settings). Without it no tracing listener exists at all.
    /// </summary>
    public static IServiceCollection AddRegistryTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<MetricsSettings>(configuration, MetricsSettings.Section);
        var metrics = Settings.Read<MetricsSettings>(configuration, MetricsSettings.Section);
        var otlp = RegistryTelemetry.OtlpEndpoint(configuration);

        if (!metrics.Enabled && otlp is null)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(ServiceName));
        if (metrics.Enabled)
        {
            telemetry.WithMetrics(meters => meters
                .AddMeter(RegistryTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView(ExcludedPerRequestInstruments)
                .AddPrometheusExporter());
        }

        if (otlp is not null)
        {
            var scrapePath = new PathString(metrics.Path);
            telemetry.WithTracing(traces => traces
                .AddSource(RegistryTelemetry.Name)
                // Attach checks are counted and timed by the registry's meter; a span for each would cost more than the check.
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments(EirEndpoints.ApiRoot) && !http.Request.Path.StartsWithSegments(scrapePath))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// Two of the framework's per-request instruments are not collected: Kestrel's <c>kestrel.queued_requests</c> (up and
    /// down once per HTTP/2 stream, always about 0 here: no request queue is configured) and routing's
    /// <c>aspnetcore.routing.match_attempts</c> (one per routed request: that the EIR's routes match is what its own
    /// counters say). A dropped instrument is never enabled, so neither is recorded at all; in a profile of the EIR under
    /// load Kestrel's per-stream metrics alone took about 3% of the host's CPU (docs/benchmarks.md, "EIR over HTTP/2").
    /// </summary>
    internal static readonly string[] ExcludedInstruments = ["kestrel.queued_requests", "aspnetcore.routing.match_attempts"];

    private static MetricStreamConfiguration? ExcludedPerRequestInstruments(Instrument instrument) =>
        ExcludedInstruments.Contains(instrument.Name) ? MetricStreamConfiguration.Drop : null;

    /// <summary>
    /// The Prometheus scraping endpoint at <c>Metrics:Path</c> (text format), anonymous (Prometheus does not sign in: keep it
    /// off public networks, docs/operations.md), outside the EIR's pipeline; with <c>Metrics:Port</c>, only to connections made to that local port (404 on the others).
    /// </summary>
    public static IEndpointRouteBuilder MapRegistryMetrics(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<MetricsSettings>();
        if (!settings.Enabled)
        {
            return endpoints;
        }

        // The local port the connection arrived on, not the Host header (which the client chooses).
        var port = settings.Port;
        endpoints.MapPrometheusScrapingEndpoint(settings.Path, meterProvider: null, configureBranchedPipeline: port is null ? null : scrape => scrape.Use((http, next) =>
        {
            if (http.Connection.LocalPort == port)
            {
                return next(http);
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }), optionsName: null).ExcludeFromDescription();
        return endpoints;
    }
}
