using System.Globalization;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Web.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Public;

/// <summary>
/// The public IMEI check and appeal tracking: the JSON API and their shared per-address rate limit, which
/// the page at / (Pages/Index) shares too.
/// </summary>
public static class PublicCheckEndpoints
{
    public const string RateLimitPolicy = "public-check";

    public static IServiceCollection AddPublicCheck(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<PublicCheckOptions>(configuration, PublicCheckOptions.Section);
        services.AddScoped<IPublicStatusSource, QueryPublicStatusSource>();
        services.AddScoped<PublicImeiCheck>();
        services.AddScoped<PublicAppealTracking>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimitPolicy, PartitionByClientAddress);
            limiter.OnRejected = (context, ct) => WriteTooManyRequestsAsync(context, ct);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPublicCheck(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/imei/{imei}", CheckAsync)
            .WithName("CheckImei")
            .WithTags("Public IMEI check")
            .WithSummary("The public status of a device by its IMEI")
            .WithDescription(
                "Anyone may ask; rate-limited per client address (429 problem+json with Retry-After). " +
                "Answers whether the IMEI is valid (and why not), the brand and model when the TAC is known, " +
                "and the status in plain words in az, en or ru (?lang=, else the devreg-lang cookie, else Accept-Language, else az). " +
                "Never an IMSI, a phone number or anything about the owner.")
            .Produces<PublicImeiCheckResult>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimitPolicy);

        endpoints.MapGet("/api/v1/appeals/{tracking}", FollowAsync)
            .WithName("FollowAppeal")
            .WithTags("Public appeal tracking")
            .WithSummary("Where an appeal stands, by its tracking number")
            .WithDescription(
                "Anyone holding the number may ask; rate-limited with the IMEI check (429 problem+json with Retry-After). " +
                "Accepts lower case and missing dashes. Answers the public status word, its wording in az, en or ru " +
                "(as for the IMEI check) and the filed, due and decided days; never the applicant, the IMEI, " +
                "the phone numbers, who handles the appeal or the reasons. 404 problem+json with reason " +
                "'malformed' (not a tracking number) or 'unknown' (no appeal has it).")
            .Produces<PublicAppealAnswer>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimitPolicy);
        return endpoints;
    }

    private static async Task<Ok<PublicImeiCheckResult>> CheckAsync(
        [FromRoute] string imei, PublicImeiCheck check, CancellationToken ct) =>
        TypedResults.Ok(await check.CheckAsync(imei, ct));

    private static async Task<Results<Ok<PublicAppealAnswer>, ProblemHttpResult>> FollowAsync(
        [FromRoute] string tracking, HttpContext context, PublicAppealTracking appeals, CancellationToken ct)
    {
        var (answer, refusal) = await appeals.FollowAsync(tracking, ct);
        if (answer is not null)
        {
            return TypedResults.Ok(answer);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: refusal!.Title,
            detail: refusal.Text,
            instance: context.Request.Path,
            type: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
            extensions: new Dictionary<string, object?> { ["reason"] = refusal.Reason, ["language"] = Languages.Current });
    }

    /// <summary>
    /// Each client address gets its own fixed one-minute window; a page that checks nothing (no ?imei=, no
    /// ?tracking=) costs nothing.
    /// </summary>
    private static RateLimitPartition<string> PartitionByClientAddress(HttpContext context)
    {
        if (!IsApi(context) && !context.Request.Query.ContainsKey("imei") && !context.Request.Query.ContainsKey("tracking"))
        {
            return RateLimitPartition.GetNoLimiter("page-without-check");
        }

        var permits = context.RequestServices.GetRequiredService<IOptions<PublicCheckOptions>>().Value.PermitPerMinute;
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        if (!IsApi(context))
        {
            await WriteTooManyNoticeAsync(context, seconds, ct);
            return;
        }

        var permits = context.RequestServices.GetRequiredService<IOptions<PublicCheckOptions>>().Value.PermitPerMinute;
        var what = context.Request.Path.StartsWithSegments("/api/v1/appeals") ? "appeal lookups" : "IMEI checks";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                Title = "Too many " + what,
                Detail = $"At most {permits} {what} per minute are answered for one client address (IMEI checks and appeal lookups together). Try again in {seconds} seconds.",
                Instance = context.Request.Path,
                Extensions = { ["retryAfterSeconds"] = seconds },
            },
        });
    }

    /// <summary>
    /// The page's refusal: a short notice in the reader's language with a way back to the page, not the page
    /// itself (the rate limiter answers before the page runs, and before the request's culture is set).
    /// </summary>
    private static async Task WriteTooManyNoticeAsync(HttpContext context, int seconds, CancellationToken ct)
    {
        var language = Languages.Resolve(context, useAcceptLanguage: false);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        var texts = context.RequestServices.GetRequiredService<IStringLocalizer<PublicTexts>>();
        var html = context.RequestServices.GetRequiredService<HtmlEncoder>();
        string T(string key) => html.Encode(texts[key]);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"""
            <!doctype html>
            <html lang="{language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{T("tooManyTitle")} · {T("pageTitle")}</title>
            <link rel="stylesheet" href="/site.css">
            </head>
            <body>
            <header class="top"><span class="mark" aria-hidden="true">IMEI</span></header>
            <main id="content">
            <section class="result tone-bad" role="alert"><h1>{T("tooManyTitle")}</h1><p>{html.Encode(texts["tooManyText", seconds.ToString(CultureInfo.InvariantCulture)])}</p>
            <p><a href="/?lang={language}">{T("tooManyBack")}</a></p></section>
            </main>
            </body>
            </html>
            """,
            ct);
    }
}
