using DeviceRegistry.Web.Localization;
using DeviceRegistry.Infrastructure;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using DeviceRegistry.Web.Demo;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Public;

/// <summary>The public IMEI check: the JSON API, the page at /, and their shared per-address rate limit.</summary>
public static class PublicCheckEndpoints
{
    public const string RateLimitPolicy = "public-check";

    public static IServiceCollection AddPublicCheck(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<PublicCheckOptions>(configuration, PublicCheckOptions.Section);
        services.AddSingleton(PublicTexts.Load());
        services.AddScoped<IPublicStatusSource, QueryPublicStatusSource>();
        services.AddScoped<PublicImeiCheck>();
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

        endpoints.MapGet("/", PageAsync)
            .ExcludeFromDescription()
            .RequireRateLimiting(RateLimitPolicy);
        return endpoints;
    }

    private static async Task<Ok<PublicImeiCheckResult>> CheckAsync(
        [FromRoute] string imei, HttpContext context, PublicImeiCheck check, CancellationToken ct) =>
        TypedResults.Ok(await check.CheckAsync(imei, Languages.Resolve(context), ct));

    private static async Task<IResult> PageAsync(
        HttpContext context, PublicImeiCheck check, PublicTexts texts, DemoShowcase demo, CancellationToken ct)
    {
        var language = Languages.Resolve(context, useAcceptLanguage: false);
        if (Languages.IsSupported(context.Request.Query["lang"].ToString()))
        {
            Languages.Remember(context, language);
        }

        string? typed = null;
        PublicImeiCheckResult? result = null;
        if (context.Request.Query.TryGetValue("imei", out var imei))
        {
            typed = imei.ToString();
            result = await check.CheckAsync(typed, language, ct);
        }

        return Results.Content(PublicPage.Render(texts, language, typed, result, notice: null, demo.Imeis), "text/html; charset=utf-8");
    }

    /// <summary>Each client address gets its own fixed one-minute window; showing the empty page costs nothing.</summary>
    private static RateLimitPartition<string> PartitionByClientAddress(HttpContext context)
    {
        if (context.Request.Path == "/" && !context.Request.Query.ContainsKey("imei"))
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

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var texts = context.RequestServices.GetRequiredService<PublicTexts>();
        var isPage = context.Request.Path == "/";
        var language = Languages.Resolve(context, useAcceptLanguage: !isPage);

        if (isPage)
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            var notice = texts.Format("tooManyText", language, ("seconds", seconds.ToString(CultureInfo.InvariantCulture)));
            await context.Response.WriteAsync(PublicPage.Render(texts, language, context.Request.Query["imei"].ToString(), null, notice), ct);
            return;
        }

        var permits = context.RequestServices.GetRequiredService<IOptions<PublicCheckOptions>>().Value.PermitPerMinute;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                Title = "Too many IMEI checks",
                Detail = $"At most {permits} IMEI checks per minute are answered for one client address. Try again in {seconds} seconds.",
                Instance = context.Request.Path,
                Extensions = { ["retryAfterSeconds"] = seconds },
            },
        });
    }
}
