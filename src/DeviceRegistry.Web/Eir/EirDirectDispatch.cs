using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http.Features;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// The EIR's own request pipeline (<see cref="EirPipeline.UseEirPipeline"/>: protocol answers, routing, endpoints) once
/// the host has built it, for the server to hand attach checks to directly (<see cref="EirFirstApplication{THostContext}"/>).
/// </summary>
public sealed class EirRequestPipeline
{
    /// <summary>Null until the host's pipeline is built with UseEirPipeline; until then every request takes the host's way.</summary>
    public RequestDelegate? Pipeline { get; internal set; }

    /// <summary>Whether a request path is the EIR's: <see cref="EirEndpoints.ApiRoot"/> or below it, in any case (as PathString.StartsWithSegments).</summary>
    public static bool IsEirPath(string? path) =>
        path is not null
        && path.StartsWith(EirEndpoints.ApiRoot, StringComparison.OrdinalIgnoreCase)
        && (path.Length == EirEndpoints.ApiRoot.Length || path[EirEndpoints.ApiRoot.Length] == '/');
}

/// <summary>
/// The application the server runs (<see cref="Hosting.SbaListenerServer"/>): a request for the EIR's paths, on any
/// listener, goes straight to the EIR's pipeline on an HttpContext the connection keeps from one request to the next;
/// every other request goes to ASP.NET Core's hosting application as before. What an attach check skips is the hosting
/// layer's per-request work, which the EIR has no use for and which cost about as much CPU as the check itself
/// (docs/benchmarks.md, "EIR over HTTP/2"; ADR 0018): the hosting diagnostics (EIR checks are not traced, and
/// <c>http.server.request.duration</c> was already off for them; <c>http.server.active_requests</c> no longer counts them,
/// the registry's <c>devreg.eir.*</c> instruments do), the IHttpContextAccessor's async-local, and the host's middleware
/// before the EIR's branch (host filtering: the EIR does not read the Host header). Request services are there as
/// on any request (created on first use, disposed with the response).
/// </summary>
internal sealed class EirFirstApplication<THostContext>(
    IHttpApplication<THostContext> host, EirRequestPipeline eir, IServiceScopeFactory scopes, FormOptions form)
    : IHttpApplication<EirFirstApplication<THostContext>.Context>
    where THostContext : notnull
{
    /// <summary>One request's context; Kestrel keeps it on the connection (HTTP/1.1) or stream (HTTP/2) for the next.</summary>
    internal sealed class Context
    {
        internal DefaultHttpContext? Eir;
        internal bool IsEir;
        internal THostContext? Host;
    }

    public Context CreateContext(IFeatureCollection contextFeatures)
    {
        Context context;
        if (contextFeatures is IHostContextContainer<Context> container)
        {
            context = container.HostContext ??= new Context();
        }
        else
        {
            context = new Context();
        }

        if (eir.Pipeline is not null && EirRequestPipeline.IsEirPath(contextFeatures.Get<IHttpRequestFeature>()?.Path))
        {
            var http = context.Eir;
            if (http is null)
            {
                context.Eir = http = new DefaultHttpContext(contextFeatures);
            }
            else
            {
                http.Initialize(contextFeatures);
            }

            http.ServiceScopeFactory = scopes;
            http.FormOptions = form;
            context.IsEir = true;
        }
        else
        {
            context.IsEir = false;
            context.Host = host.CreateContext(contextFeatures);
        }

        return context;
    }

    public Task ProcessRequestAsync(Context context) =>
        context.IsEir ? eir.Pipeline!(context.Eir!) : host.ProcessRequestAsync(context.Host!);

    public void DisposeContext(Context context, Exception? exception)
    {
        if (context.IsEir)
        {
            context.Eir!.Uninitialize();
        }
        else
        {
            host.DisposeContext(context.Host!, exception);
            context.Host = default;
        }
    }
}
