using System.Text.Json;
using System.Text.Json.Serialization;
using DeviceRegistry.Eir;

namespace DeviceRegistry.Web.Eir;

/// <summary>ProblemDetails as TS 29.571 defines it (type, title, status, detail, instance, cause, invalidParams).</summary>
public sealed record EirProblemDetails(
    string Type,
    string Title,
    int Status,
    string Detail,
    string? Instance,
    string? Cause,
    IReadOnlyList<InvalidParam>? InvalidParams);

/// <summary>The 200 answer of equipment-status: EirResponseData.</summary>
public sealed record EirResponseData(string Status);

internal static class EirProblem
{
    public const string ContentType = "application/problem+json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static EirProblemDetails Create(int status, string detail, string? instance, string? cause, IReadOnlyList<InvalidParam>? invalidParams = null) =>
        new("about:blank", TitleOf(status), status, detail, instance, cause, invalidParams is { Count: > 0 } ? invalidParams : null);

    public static EirProblemDetails FromError(EirParameterError error, string? instance) =>
        Create(StatusCodes.Status400BadRequest, error.Detail, instance, error.Cause, error.InvalidParams);

    public static EirProblemDetails Unknown(string? instance) =>
        Create(StatusCodes.Status404NotFound, "The equipment is not known to this EIR.", instance, EirCause.EquipmentUnknown);

    /// <summary>One write with its Content-Length (an unknown equipment's 404 is a common answer: no chunked encoding).</summary>
    public static Task WriteAsync(HttpContext context, EirProblemDetails problem) => WriteAsync(context, problem.Status, Serialize(problem));

    public static byte[] Serialize(EirProblemDetails problem) => JsonSerializer.SerializeToUtf8Bytes(problem, Json);

    /// <summary>A ProblemDetails serialized beforehand (<see cref="Serialize"/>), for answers given often under load.</summary>
    public static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static string InstanceOf(HttpRequest request) => request.Path + request.QueryString;

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };
}
