using DeviceRegistry.Web.Demo;
using DeviceRegistry.Web.Public;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace DeviceRegistry.Web.Pages;

/// <summary>
/// The public page: the IMEI check (GET /?imei=…) and appeal tracking (GET /?tracking=…), rendered on the
/// server so both work without JavaScript. A visit that checks something shares the API's rate limit.
/// </summary>
[EnableRateLimiting(PublicCheckEndpoints.RateLimitPolicy)]
public sealed class IndexModel(PublicImeiCheck check, PublicAppealTracking appeals, DemoShowcase demo) : PageModel
{
    /// <summary>The IMEI as typed, when one was asked about.</summary>
    public string? Imei { get; private set; }

    public PublicImeiCheckResult? Result { get; private set; }

    /// <summary>The tracking number as typed, when an appeal was asked about.</summary>
    public string? Tracking { get; private set; }

    public PublicAppealAnswer? Appeal { get; private set; }

    public PublicAppealRefusal? AppealRefusal { get; private set; }

    public IReadOnlyList<DemoImei> DemoImeis => demo.Imeis;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Request.Query.TryGetValue("imei", out var imei))
        {
            Imei = imei.ToString();
            Result = await check.CheckAsync(Imei, ct);
        }

        if (Request.Query.TryGetValue("tracking", out var tracking))
        {
            Tracking = tracking.ToString();
            (Appeal, AppealRefusal) = await appeals.FollowAsync(Tracking, ct);
        }
    }

    public static string Tone(string? status) => status switch
    {
        "registered" or "decided_approved" => "good",
        "in_registration_window" or "never_seen" or "roaming_only" or "information_requested" => "warn",
        "received" or "in_review" or "closed" => "neutral",
        _ => "bad",
    };
}
