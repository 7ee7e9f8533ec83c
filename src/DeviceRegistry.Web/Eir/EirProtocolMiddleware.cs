using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// The answers the EIR gives before or around its endpoints, so that every error under
/// <see cref="EirEndpoints.ApiRoot"/> is an application/problem+json ProblemDetails with a cause: a URI
/// longer than <see cref="MaxUriLength"/> (414), a path or method the API does not have (404, 405), a sighting
/// that could not be queued (503 NF_CONGESTION), an exception (500 SYSTEM_FAILURE). Kestrel answers a request line longer than its MaxRequestLineSize by
/// itself, with no body, so AddEir raises that limit to <see cref="KestrelRequestLineBytes"/> and the
/// EIR's own, lower, limit is answered here.
/// </summary>
public static class EirProtocolMiddleware
{
    /// <summary>The longest path and query the EIR reads (a full check is under 200 characters).</summary>
    public const int MaxUriLength = 2048;

    /// <summary>Kestrel's request-line limit with the EIR (its default is 8 KiB).</summary>
    public const int KestrelRequestLineBytes = 64 * 1024;

    /// <summary>Put it early, before routing (Program.cs: after UseExceptionHandler and UseStatusCodePages).</summary>
    public static IApplicationBuilder UseEirProtocol(this IApplicationBuilder app) =>
        app.Use((context, next) => context.Request.Path.StartsWithSegments(EirEndpoints.ApiRoot)
            ? InvokeAsync(context, next)
            : next(context));

    /// <summary>
    /// AddEir: Kestrel passes URIs up to <see cref="KestrelRequestLineBytes"/> to the EIR's 414: the HTTP/1.1
    /// request line, and over HTTP/2 the :path header field (HPACK-decoded, counted in the headers' total).
    /// Limits are only raised, never lowered.
    /// </summary>
    internal static void RaiseRequestLineLimit(KestrelServerOptions options)
    {
        var limits = options.Limits;
        limits.MaxRequestLineSize = Math.Max(limits.MaxRequestLineSize, KestrelRequestLineBytes);
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(limits.Http2.MaxRequestHeaderFieldSize, KestrelRequestLineBytes);
        if (limits.MaxRequestHeadersTotalSize < KestrelRequestLineBytes + (32 * 1024))
        {
            limits.MaxRequestHeadersTotalSize = KestrelRequestLineBytes + (32 * 1024);
        }
    }

    private static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var length = (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (length > MaxUriLength)
        {
            await EirProblem.WriteAsync(context, EirProblem.Create(StatusCodes.Status414UriTooLong,
                $"The request URI has {length} characters; the EIR reads at most {MaxUriLength}.", request.Path.ToString(),
                EirCause.UnspecifiedMsgFailure));
            return;
        }

        try
        {
            await next(context);
        }
        catch (EirSightingNotQueuedException) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await context.RequestServices.GetRequiredService<EirAdmission>().WriteNotQueuedAsync(context);
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EirProtocolMiddleware))
                .LogError(ex, "An EIR request failed: {Method} {Path}", request.Method, request.Path);
            context.Response.Clear();
            await EirProblem.WriteAsync(context, EirProblem.Create(StatusCodes.Status500InternalServerError,
                "The EIR could not answer this request.", request.Path.ToString(), EirCause.SystemFailure));
            return;
        }

        var status = context.Response.StatusCode;
        if (status >= 400 && !context.Response.HasStarted && context.Response.ContentType is null)
        {
            // Routing's own answers (no such path, no such method) come with no body.
            var cause = status == StatusCodes.Status404NotFound ? EirCause.ResourceUriStructureNotFound : null;
            var detail = status switch
            {
                StatusCodes.Status404NotFound => "The N5g-eir API has no such resource.",
                StatusCodes.Status405MethodNotAllowed => $"The method {request.Method} is not allowed on this resource.",
                _ => "The request could not be answered.",
            };
            await EirProblem.WriteAsync(context, EirProblem.Create(status, detail, request.Path.ToString(), cause));
        }
    }
}
