using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Operators;
using Microsoft.OpenApi;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// N5g-eir (3GPP TS 29.511) for operators' network functions, behind operator bearer secrets:
/// GET /n5g-eir-eic/v1/equipment-status and POST /n5g-eir-eic/v1/equipment-status:batch (docs/eir.md).
/// </summary>
public static class EirEndpoints
{
    public const string ApiRoot = "/n5g-eir-eic/v1";

    private static readonly byte[] Whitelisted = StatusBody(EquipmentStatusWords.Whitelisted);
    private static readonly byte[] Blacklisted = StatusBody(EquipmentStatusWords.Blacklisted);
    private static readonly byte[] Greylisted = StatusBody(EquipmentStatusWords.Greylisted);

    public static RouteGroupBuilder MapEir(this IEndpointRouteBuilder endpoints)
    {
        // Authentication is called at the top of each handler rather than as an endpoint filter: a filter
        // costs an invocation context, boxing and an Items entry on every check (the hot path, docs/benchmarks.md).
        // The handlers take only the HttpContext and use the EIR's singletons, resolved once here: a parameter
        // from services, or RequestServices, would create a request service scope on every check.
        var eir = new EirServices(endpoints.ServiceProvider);
        var group = endpoints.MapGroup(ApiRoot).WithTags("N5g-eir").DisableHttpMetrics();

        group.MapGet("/equipment-status", (Func<HttpContext, Task>)(http => GetEquipmentStatusAsync(http, eir)))
            .WithName("GetEquipmentStatus")
            .WithSummary("The equipment status of a PEI (3GPP TS 29.511), as seen with the given SUPI")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The handler reads the raw query string (the hot path), so the parameters are described here.
                operation.Parameters ??= [];
                operation.Parameters.Add(QueryParameter("pei", required: true, "imei-<15 digits> or imeisv-<16 digits>, keyed on the first 14 digits; mac-/eui- PEIs are unknown equipment"));
                operation.Parameters.Add(QueryParameter("supi", required: false, "imsi-<5 to 15 digits>: the subscriber asking to attach (nai-/gci-/gli-: no IMSI)"));
                operation.Parameters.Add(QueryParameter("gpsi", required: false, "msisdn-<5 to 15 digits> (extid-local@domain: no MSISDN)"));
                operation.Parameters.Add(QueryParameter("supported-features", required: false, "hexadecimal feature bitmask (TS 29.571 SupportedFeatures)"));
                return Task.CompletedTask;
            })
            .Produces<EirResponseData>(StatusCodes.Status200OK)
            .Produces<EirProblemDetails>(StatusCodes.Status400BadRequest, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status401Unauthorized, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status403Forbidden, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status404NotFound, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status414UriTooLong, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status500InternalServerError, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status503ServiceUnavailable, EirProblem.ContentType);

        group.MapPost("/equipment-status:batch", (Func<HttpContext, Task>)(http => PostBatchAsync(http, eir)))
            .WithName("GetEquipmentStatusBatch")
            .WithSummary("Many equipment-status checks in one request, each answered on its own")
            .Accepts<EirBatchRequest>("application/json")
            .Produces<EirBatchResponse>(StatusCodes.Status200OK)
            .Produces<EirProblemDetails>(StatusCodes.Status400BadRequest, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status401Unauthorized, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status403Forbidden, EirProblem.ContentType)
            .Produces<EirProblemDetails>(StatusCodes.Status503ServiceUnavailable, EirProblem.ContentType);
        return group;
    }

    private static OpenApiParameter QueryParameter(string name, bool required, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    /// <summary>Answers one check, then counts its answer and times it (EirCheckMetrics).</summary>
    private static async Task GetEquipmentStatusAsync(HttpContext http, EirServices eir)
    {
        var started = Stopwatch.GetTimestamp();
        var answered = await AnswerEquipmentStatusAsync(http, eir);
        EirCheckMetrics.Count(answered.Operator, answered.Status, http.Response.StatusCode);
        EirCheckMetrics.Time(answered.Operator, batch: false, started);
    }

    private static async ValueTask<EirAnswered> AnswerEquipmentStatusAsync(HttpContext http, EirServices eir)
    {
        if (await EirCallerAuthentication.AuthenticateAsync(http, eir) is not { } caller)
        {
            return new EirAnswered(RegistryTelemetry.NoOperator, null);
        }

        var refused = new EirAnswered(caller.Name, null);
        var checker = eir.Checker;
        if (!await eir.Admission.AdmitAsync(http, caller.Id, 1))
        {
            return refused;
        }

        if (!checker.IsReady)
        {
            await WriteNotReadyAsync(http);
            return refused;
        }

        if (!EirQueryString.TryRead(http.Request.QueryString.Value, out var eirQuery, out var isImei, out var error))
        {
            await EirProblem.WriteAsync(http, EirProblem.FromError(error!, EirProblem.InstanceOf(http.Request)));
            return refused;
        }

        if (!isImei)
        {
            // A MAC or EUI-64 PEI is well formed but no equipment this registry (of IMEIs) holds.
            await EirProblem.WriteAsync(http, EirProblem.Unknown(EirProblem.InstanceOf(http.Request)));
            return new EirAnswered(caller.Name, EquipmentStatus.Unknown);
        }

        var decision = checker.Check(eirQuery, caller.Id);
        if (decision.Status == EquipmentStatus.Unknown)
        {
            await EirProblem.WriteAsync(http, EirProblem.Unknown(EirProblem.InstanceOf(http.Request)));
            return new EirAnswered(caller.Name, EquipmentStatus.Unknown);
        }

        var body = decision.Status switch
        {
            EquipmentStatus.Whitelisted => Whitelisted,
            EquipmentStatus.Greylisted => Greylisted,
            _ => Blacklisted,
        };
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
        return new EirAnswered(caller.Name, decision.Status);
    }

    /// <summary>Answers a batch, counting each of its checks (or the batch's refusal as one), then times it.</summary>
    private static async Task PostBatchAsync(HttpContext http, EirServices eir)
    {
        var started = Stopwatch.GetTimestamp();
        var answered = await AnswerBatchAsync(http, eir);
        if (!answered.CountedEach)
        {
            EirCheckMetrics.Count(answered.Operator, null, http.Response.StatusCode);
        }

        EirCheckMetrics.Time(answered.Operator, batch: true, started);
    }

    private static async ValueTask<EirAnswered> AnswerBatchAsync(HttpContext http, EirServices eir)
    {
        if (await EirCallerAuthentication.AuthenticateAsync(http, eir) is not { } caller)
        {
            return new EirAnswered(RegistryTelemetry.NoOperator, null);
        }

        var refused = new EirAnswered(caller.Name, null);
        var (checker, settings) = (eir.Checker, eir.Settings);
        // Congestion is looked at before the body is read; the checks are counted once they are known.
        var admission = eir.Admission;
        if (!await admission.AdmitAsync(http, caller.Id, 0))
        {
            return refused;
        }

        var instance = http.Request.Path.ToString();
        if (!checker.IsReady)
        {
            await WriteNotReadyAsync(http);
            return refused;
        }

        if (!http.Request.HasJsonContentType())
        {
            await EirProblem.WriteAsync(http, EirProblem.Create(StatusCodes.Status415UnsupportedMediaType,
                "The batch is a JSON body: Content-Type: application/json.", instance, EirCause.InvalidMsgFormat));
            return refused;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException ex)
        {
            await EirProblem.WriteAsync(http, EirProblem.Create(400, $"The body is not valid JSON: {ex.Message}", instance, EirCause.InvalidMsgFormat));
            return refused;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("checks", out var checks)
                || checks.ValueKind != JsonValueKind.Array)
            {
                await EirProblem.WriteAsync(http, EirProblem.Create(400, "The body must be an object with a \"checks\" array.", instance,
                    EirCause.InvalidMsgFormat, [new InvalidParam("/checks", "missing or not an array")]));
                return refused;
            }

            var count = checks.GetArrayLength();
            if (count > settings.MaxBatchChecks)
            {
                await EirProblem.WriteAsync(http, EirProblem.Create(400, $"A batch holds at most {settings.MaxBatchChecks} checks; this one has {count}.",
                    instance, EirCause.InvalidMsgFormat, [new InvalidParam("/checks", $"more than {settings.MaxBatchChecks} items")]));
                return refused;
            }

            if (!await admission.AdmitAsync(http, caller.Id, count))
            {
                return refused;
            }

            var results = new List<EirBatchResult>(count);
            var answers = new EquipmentStatus?[count];
            var i = 0;
            foreach (var item in checks.EnumerateArray())
            {
                var prefix = $"/checks/{i}/";
                EirBatchResult result;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    result = new EirBatchResult(i, null, EirProblem.Create(400, "A check is an object with pei, supi, gpsi.", null,
                        EirCause.InvalidMsgFormat, [new InvalidParam($"/checks/{i}", "not an object")]));
                }
                else if (!TryString(item, "pei", prefix, out var pei, out var badType)
                    | !TryString(item, "supi", prefix, out var supi, out var badSupi)
                    | !TryString(item, "gpsi", prefix, out var gpsi, out var badGpsi))
                {
                    var invalid = new[] { badType, badSupi, badGpsi }.OfType<InvalidParam>().ToList();
                    result = new EirBatchResult(i, null, EirProblem.Create(400, "Parameters of a check must be strings.", null,
                        badType is not null ? EirCause.MandatoryIeIncorrect : EirCause.OptionalIeIncorrect, invalid));
                }
                else if (!N5gEirParameters.TryParse(pei, supi, gpsi, prefix, out var query, out var isImei, out var error))
                {
                    result = new EirBatchResult(i, null, EirProblem.FromError(error!, null));
                }
                else if (!isImei)
                {
                    result = new EirBatchResult(i, null, EirProblem.Unknown(null));
                    answers[i] = EquipmentStatus.Unknown;
                }
                else
                {
                    var decision = checker.Check(query, caller.Id);
                    answers[i] = decision.Status;
                    result = decision.Status == EquipmentStatus.Unknown
                        ? new EirBatchResult(i, null, EirProblem.Unknown(null))
                        : new EirBatchResult(i, StatusText(decision.Status), null);
                }

                results.Add(result);
                i++;
            }

            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(http.Response.Body, new EirBatchResponse(results), EirProblem.Json, http.RequestAborted);
            // Counted once answered: a check that could not be queued makes the whole batch a 503, counted as one refusal.
            for (var k = 0; k < results.Count; k++)
            {
                EirCheckMetrics.Count(caller.Name, answers[k], results[k].Error?.Status ?? StatusCodes.Status200OK);
            }

            return new EirAnswered(caller.Name, null, CountedEach: true);
        }
    }

    private static string StatusText(EquipmentStatus status) => EquipmentStatusWords.Of(status);

    private static byte[] StatusBody(string word) => Encoding.UTF8.GetBytes($"{{\"status\":\"{word}\"}}");

    internal static Task WriteNotReadyAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return EirProblem.WriteAsync(http, EirProblem.Create(StatusCodes.Status503ServiceUnavailable,
            "The EIR decision index is still loading.", http.Request.Path, EirCause.NfCongestion));
    }

    private static bool TryString(JsonElement item, string name, string prefix, out string? value, out InvalidParam? invalid)
    {
        value = null;
        invalid = null;
        if (!item.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            invalid = new InvalidParam(prefix + name, "not a string");
            return false;
        }

        value = element.GetString();
        return true;
    }
}

/// <summary>The EIR's singletons an attach check uses, resolved once when the endpoints are mapped.</summary>
internal sealed class EirServices(IServiceProvider services)
{
    public EirChecker Checker { get; } = services.GetRequiredService<EirChecker>();

    public EirSettings Settings { get; } = services.GetRequiredService<EirSettings>();

    public OperatorAuthenticator Authenticator { get; } = services.GetRequiredService<OperatorAuthenticator>();

    public AuthenticationFailureLimiter FailureLimiter { get; } = services.GetRequiredService<AuthenticationFailureLimiter>();

    public NrfAccessTokens Tokens { get; } = services.GetRequiredService<NrfAccessTokens>();

    public EirAdmission Admission { get; } = services.GetRequiredService<EirAdmission>();
}

/// <summary>Who asked and what the EIR answered (null: refused, by the response's status), for EirCheckMetrics.</summary>
/// <param name="CountedEach">A batch whose checks were counted one by one.</param>
internal readonly record struct EirAnswered(string Operator, EquipmentStatus? Status, bool CountedEach = false);

/// <summary>The batch request: up to Eir:MaxBatchChecks checks, each with pei and optional supi, gpsi as in the GET.</summary>
public sealed record EirBatchRequest(IReadOnlyList<EirBatchCheck> Checks);

public sealed record EirBatchCheck(string Pei, string? Supi, string? Gpsi);

/// <summary>One answer per check, in order: either status or error (a ProblemDetails with the cause).</summary>
public sealed record EirBatchResponse(IReadOnlyList<EirBatchResult> Results);

public sealed record EirBatchResult(int Index, string? Status, EirProblemDetails? Error);
