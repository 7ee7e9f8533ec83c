namespace DeviceRegistry.Web.Eir;

public static class EirPipeline
{
    /// <summary>The logging category of ASP.NET Core's per-request hosting diagnostics (request started/finished lines).</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Unless the configuration sets a level for <see cref="HostingDiagnosticsCategory"/> itself, that category is off. While
    /// any level of it is enabled, ASP.NET Core's hosting creates an Activity and a logging scope for every request (to
    /// correlate the request's log lines), even with no tracing listener: measurable CPU and allocation on each attach
    /// check (docs/benchmarks.md, "EIR over HTTP/2"). What it would log are the request started/finished lines (Information,
    /// below the host's Microsoft.AspNetCore level) and a startup failure, which also ends the process with its exception.
    /// With traces exported (OTEL_EXPORTER_OTLP_ENDPOINT), requests still get their Activity from the tracing listener.
    /// </summary>
    public static ILoggingBuilder QuietPerRequestHostingDiagnostics(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (configuration.GetSection("Logging:LogLevel").GetChildren().All(c => !string.Equals(c.Key, HostingDiagnosticsCategory, StringComparison.OrdinalIgnoreCase)))
        {
            logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }

        return logging;
    }

    /// <summary>
    /// Builds the EIR's own short pipeline and hands it to the server (<see cref="EirRequestPipeline"/>), which gives
    /// it the requests under <see cref="EirEndpoints.ApiRoot"/> before ASP.NET Core's hosting sees them
    /// (<see cref="EirFirstApplication{THostContext}"/>, ADR 0018); on a host whose server does not, such requests
    /// leave the host's pipeline here for it:
    /// the EIR protocol answers (<see cref="EirProtocolMiddleware"/>: 414, 404, 405, 500 as ProblemDetails), routing
    /// and the endpoint. The host's exception and status-code pages, static files, rate limiter, localisation and the
    /// staff sign-in machinery (authentication, two-step enrolment, authorization) never run on an attach check.
    /// Put it first, before any of those (Program.cs). The EIR's endpoints are mapped here, in the branch's own routing
    /// (a branch of the host starts with no endpoints); UseEndpoints also registers them with the host's endpoint
    /// data sources, so the OpenAPI document still lists them.
    /// </summary>
    public static IApplicationBuilder UseEirPipeline(this IApplicationBuilder app)
    {
        var branch = app.New();
        branch.UseEirProtocol();
        branch.UseRouting();
        branch.UseEndpoints(endpoints => endpoints.MapEir());
        var eir = branch.Build();
        // The server hands EIR requests to this pipeline directly (EirFirstApplication); a host whose server does not
        // (a test host of its own) still reaches it through this branch.
        if (app.ApplicationServices.GetService<EirRequestPipeline>() is { } direct)
        {
            direct.Pipeline = eir;
        }

        return app.Use(next => context => EirRequestPipeline.IsEirPath(context.Request.Path.Value) ? eir(context) : next(context));
    }
}
