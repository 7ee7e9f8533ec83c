using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// The answers the EIR gives before or around its endpoints, so that every error under
/// <see cref="EirEndpoints.ApiRoot"/> is an application/problem+json ProblemDetails with a cause: a URI
/// longer than <see cref="MaxUriLength"/> (414), a path or method the API does not have (404, 405), a sighting
/// that could not be queued (503 NF_CONGESTION), an exception (500 SYSTEM_FAILURE), an Accept header that admits no
/// application/json success answer (406). Kestrel answers a request line longer than its MaxRequestLineSize by
/// itself, with no body, so AddEir raises that limit to <see cref="KestrelRequestLineBytes"/> and the
/// EIR's own, lower, limit is answered here. The answers given here are counted as refusals without an operator
/// (<see cref="RegistryTelemetry.NoOperator"/>); the handlers count their own (<see cref="EirCheckMetrics"/>).
/// </summary>
public static class EirProtocolMiddleware
{
    /// <summary>The longest path and query the EIR reads (a full check is under 200 characters).</summary>
    public const int MaxUriLength = 2048;

    /// <summary>Kestrel's request-line limit with the EIR (its default is 8 KiB).</summary>
    public const int KestrelRequestLineBytes = 64 * 1024;

    /// <summary>First in the EIR's own pipeline (<see cref="EirPipeline.UseEirPipeline"/>), before its routing: every request there is the EIR's.</summary>
    public static IApplicationBuilder UseEirProtocol(this IApplicationBuilder app) =>
        app.Use((context, next) => InvokeAsync(context, next));

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

    /// <summary>
    /// AddEir's Kestrel options: <see cref="RaiseRequestLineLimit"/>, and on every listener built from
    /// configuration or <c>Urls</c> the ProblemDetails for Kestrel's own error answers (<see cref="KestrelErrorResponses"/>).
    /// </summary>
    internal static void ConfigureKestrel(KestrelServerOptions options)
    {
        RaiseRequestLineLimit(options);
        options.ConfigureEndpointDefaults(listen => listen.UseErrorProblemDetails());
    }

    private static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var length = (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (length > MaxUriLength)
        {
            EirCheckMetrics.Count(RegistryTelemetry.NoOperator, null, StatusCodes.Status414UriTooLong);
            // TS 29.500 Table 5.2.7.2-1 has no cause for 414 (UNSPECIFIED_MSG_FAILURE is a 400 cause).
            return EirProblem.WriteAsync(context, EirProblem.Create(StatusCodes.Status414UriTooLong,
                $"The request URI has {length} characters; the EIR reads at most {MaxUriLength}.", request.Path.ToString(), null));
        }

        return AcceptsJson(request.Headers.Accept) ? AnswerAsync(context, next) : AnswerOrNotAcceptableAsync(context, next);
    }

    /// <summary>
    /// Whether an Accept header admits application/json (also as application/* or */*, with q above 0). No Accept
    /// header (or an empty one) admits anything. Errors are application/problem+json whatever Accept says (TS 29.500 clause 5.4:
    /// every NF supports it); only a success answer the client cannot take becomes 406.
    /// </summary>
    internal static bool AcceptsJson(Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (accept.Count == 0)
        {
            return true;
        }

        var empty = true;
        foreach (var value in accept)
        {
            var rest = (value ?? string.Empty).AsSpan();
            empty &= rest.IsWhiteSpace();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var element = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? default : rest[(comma + 1)..];
                var semicolon = element.IndexOf(';');
                var range = (semicolon < 0 ? element : element[..semicolon]).Trim();
                if ((range.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                        || range.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                        || range.Equals("*/*", StringComparison.Ordinal))
                    && (semicolon < 0 || !IsQualityZero(element[(semicolon + 1)..])))
                {
                    return true;
                }
            }
        }

        // An empty Accept is read as none: RFC 9110 lets a server disregard Accept, and so it does here.
        return empty;
    }

    private static bool IsQualityZero(ReadOnlySpan<char> parameters)
    {
        while (!parameters.IsEmpty)
        {
            var semicolon = parameters.IndexOf(';');
            var parameter = (semicolon < 0 ? parameters : parameters[..semicolon]).Trim();
            parameters = semicolon < 0 ? default : parameters[(semicolon + 1)..];
            if (parameter.Length >= 2 && (parameter[0] is 'q' or 'Q') && parameter[1] == '=')
            {
                return double.TryParse(parameter[2..], System.Globalization.NumberStyles.AllowDecimalPoint,
                    System.Globalization.CultureInfo.InvariantCulture, out var q) && q <= 0;
            }
        }

        return false;
    }

    /// <summary>The client accepts no application/json: a success answer is held back and replaced by 406.</summary>
    private static async Task AnswerOrNotAcceptableAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        var original = response.Body;
        using var held = new MemoryStream();
        response.Body = held;
        try
        {
            await AnswerAsync(context, next);
        }
        finally
        {
            response.Body = original;
        }

        if (response.StatusCode is >= 200 and < 300)
        {
            response.Clear();
            await EirProblem.WriteAsync(context, EirProblem.Create(StatusCodes.Status406NotAcceptable,
                $"The answer is application/json, which the Accept header ({context.Request.Headers.Accept}) does not admit.",
                context.Request.Path.ToString(), null));
            return;
        }

        held.Position = 0;
        await held.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task AnswerAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        try
        {
            await next(context);
        }
        catch (EirSightingNotQueuedException) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await context.RequestServices.GetRequiredService<EirAdmission>().WriteNotQueuedAsync(context);
            EirCheckMetrics.Count(RegistryTelemetry.NoOperator, null, context.Response.StatusCode);
            return;
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's complaint about the body (too large, malformed chunks) while the endpoint read it.
            context.Response.Clear();
            await EirProblem.WriteAsync(context, EirProblem.Create(ex.StatusCode, ex.Message, request.Path.ToString(),
                ex.StatusCode == StatusCodes.Status400BadRequest ? EirCause.InvalidMsgFormat : null));
            EirCheckMetrics.Count(RegistryTelemetry.NoOperator, null, ex.StatusCode);
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EirProtocolMiddleware))
                .LogError(ex, "An EIR request failed: {Method} {Path}", request.Method, request.Path);
            context.Response.Clear();
            await EirProblem.WriteAsync(context, EirProblem.Create(StatusCodes.Status500InternalServerError,
                "The EIR could not answer this request.", request.Path.ToString(), EirCause.SystemFailure));
            EirCheckMetrics.Count(RegistryTelemetry.NoOperator, null, StatusCodes.Status500InternalServerError);
            return;
        }

        var status = context.Response.StatusCode;
        if (status >= 400 && !context.Response.HasStarted && context.Response.ContentType is null)
        {
            // Answers with no body (routing's no such path or method, a bare status code): the status's
            // generic TS 29.500 cause where the table has one.
            var (detail, cause) = status switch
            {
                StatusCodes.Status400BadRequest => ("The request could not be answered.", EirCause.UnspecifiedMsgFailure),
                StatusCodes.Status404NotFound => ("The N5g-eir API has no such resource.", EirCause.ResourceUriStructureNotFound),
                StatusCodes.Status405MethodNotAllowed => ($"The method {request.Method} is not allowed on this resource.", null),
                StatusCodes.Status500InternalServerError => ("The EIR could not answer this request.", EirCause.SystemFailure),
                StatusCodes.Status503ServiceUnavailable => ("The EIR cannot answer now.", EirCause.NfCongestion),
                _ => ("The request could not be answered.", (string?)null),
            };
            await EirProblem.WriteAsync(context, EirProblem.Create(status, detail, request.Path.ToString(), cause));
            EirCheckMetrics.Count(RegistryTelemetry.NoOperator, null, status);
        }
    }
}
