using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DeviceRegistry.Sms;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeviceRegistry.Web.Sms;

/// <summary>
/// What Kannel calls (docs/sms.md): its delivery reports (the <c>dlr-url</c> each message carries) and its
/// <c>sms-service</c> get-url for messages to the short number (the IMEI check by SMS). Both answer only a request carrying
/// <c>Sms:Kannel:CallbackToken</c> as <c>token=</c> (403 otherwise), and nothing (404) while no token is configured.
/// </summary>
public static class KannelCallbackEndpoints
{
    public const string DeliveryReportPath = "/sms/kannel/dlr";

    public const string InboundPath = "/sms/kannel/inbound";

    public static IServiceCollection AddKannelCallbacks(this IServiceCollection services) =>
        services.AddScoped<InboundImeiCheck>();

    public static IEndpointRouteBuilder MapKannelCallbacks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DeliveryReportPath, DeliveryReportAsync).ExcludeFromDescription();
        endpoints.MapGet(InboundPath, InboundAsync).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// <c>?id=&amp;type=&amp;token=</c>: 200 when recorded; 400 for a missing or malformed id or type (or a type Kannel does not
    /// send), 404 for an id no outbox gave out. A refused report changes nothing.
    /// </summary>
    private static async Task<Results<Ok<string>, ProblemHttpResult>> DeliveryReportAsync(
        HttpContext context, KannelSettings settings, IMediator mediator, ILogger<KannelCallback> logger, CancellationToken ct)
    {
        if (Refuse(context, settings) is { } refused)
        {
            return refused;
        }

        var query = context.Request.Query;
        if (!long.TryParse(query["id"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !int.TryParse(query["type"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var type))
        {
            return Problem(context, StatusCodes.Status400BadRequest, "Malformed delivery report",
                $"id must be the message id (digits) and type Kannel's report type (%d: 1, 2, 4, 8 or 16); got id '{query["id"]}', type '{query["type"]}'");
        }

        var outcome = await mediator.Send(new RecordDeliveryReport(id, type), ct);
        switch (outcome)
        {
            case DeliveryReportOutcome.Recorded:
                return TypedResults.Ok("recorded");
            case DeliveryReportOutcome.UnknownReportType:
                return Problem(context, StatusCodes.Status400BadRequest, "Unknown delivery report type",
                    $"type {type} is none of Kannel's report types 1 (delivered), 2 (undelivered), 4 (queued at the SMSC), 8 (accepted by the SMSC), 16 (rejected by the SMSC)");
            default:
                logger.LogWarning("Delivery report type {Type} for message {MessageId}, which no outbox holds: ignored", type, id);
                return Problem(context, StatusCodes.Status404NotFound, "Unknown message", $"no SMS outbox holds a message with id {id}");
        }
    }

    /// <summary>
    /// <c>?from=%p&amp;text=%a&amp;token=</c>: the reply, as text/plain UTF-8, which smsbox sends back to the sender. The
    /// sender's number is not used for the answer and not logged; <c>X-Kannel-Coding</c> says whether the reply needs UCS-2.
    /// </summary>
    private static async Task<IResult> InboundAsync(
        HttpContext context, KannelSettings settings, InboundImeiCheck check, CancellationToken ct)
    {
        if (Refuse(context, settings) is { } refused)
        {
            return refused;
        }

        var reply = await check.ReplyAsync(context.Request.Query["text"].ToString(), ct);
        // smsbox takes the coding of a reply from X-Kannel-Coding (else it squeezes the text into GSM 7-bit, losing ə and Cyrillic).
        context.Response.Headers["X-Kannel-Coding"] = Gsm7.CanEncode(reply) ? "0" : "2";
        return TypedResults.Text(reply, "text/plain", Encoding.UTF8);
    }

    private static ProblemHttpResult? Refuse(HttpContext context, KannelSettings settings)
    {
        if (!settings.CallbacksEnabled)
        {
            return Problem(context, StatusCodes.Status404NotFound, "No Kannel callbacks", "Sms:Kannel:CallbackToken is not set, so the Kannel callbacks are off");
        }

        var given = Encoding.UTF8.GetBytes(context.Request.Query["token"].ToString());
        var expected = Encoding.UTF8.GetBytes(settings.CallbackToken!);
        return CryptographicOperations.FixedTimeEquals(given, expected)
            ? null
            : Problem(context, StatusCodes.Status403Forbidden, "Wrong callback token", "the request's token= is not Sms:Kannel:CallbackToken");
    }

    private static ProblemHttpResult Problem(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, instance: context.Request.Path);

    /// <summary>The category of the callbacks' log lines.</summary>
    internal sealed class KannelCallback;
}
