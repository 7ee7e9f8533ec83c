using System.Globalization;
using DeviceRegistry.Eir;
using DeviceRegistry.Operators;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Who is calling the EIR (docs/eir.md, "Credentials" and "OAuth2 access tokens from the NRF"): an operator's bearer
/// secret, or, with Eir:Nrf configured, an NRF access token (a bearer value shaped as a JWT) attributed to an operator.
/// Called at the top of each EIR handler rather than as middleware or an endpoint filter (ADR 0009). Answers per
/// RFC 6750 §3: no credential 401 with a bare challenge; a bad secret or token 401 invalid_token; a token without
/// the n5g-eir-eic scope 403 insufficient_scope; a token of a consumer mapped to no operator 403.
/// </summary>
internal static class EirCallerAuthentication
{
    public const string Realm = "n5g-eir-eic";

    private const string NoCredential = $"Bearer realm=\"{Realm}\"";
    private const string InsufficientScope = $"Bearer realm=\"{Realm}\", error=\"insufficient_scope\", scope=\"{NrfSettings.Scope}\"";
    private const string BadSecret = "The operator credential is not valid (unknown, malformed or replaced).";

    /// <summary>
    /// The calling operator, or null after writing the 401 or 403, or the 429 (too many failed credentials from
    /// this address this minute: answered without checking the credential).
    /// </summary>
    public static async ValueTask<AuthenticatedOperator?> AuthenticateAsync(HttpContext http, EirServices eir)
    {
        var limiter = eir.FailureLimiter;
        var address = http.Connection.RemoteIpAddress;
        if (limiter.RetryAfterSeconds(address) is var retryAfter and > 0)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await EirProblem.WriteAsync(http, EirProblem.Create(StatusCodes.Status429TooManyRequests,
                "Too many failed operator credentials from this address; try again after Retry-After seconds.", http.Request.Path, EirCause.NfCongestionRisk));
            return null;
        }

        var nrf = eir.Tokens;
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(http, StatusCodes.Status401Unauthorized, NoCredential, nrf.Enabled
                ? "A credential is required: Authorization: Bearer <operator secret or NRF access token with scope n5g-eir-eic>."
                : "An operator credential is required: Authorization: Bearer <secret from devreg operator add>.");
            return null;
        }

        if (nrf.Enabled && NrfAccessTokens.LooksLikeJwt(value.AsSpan("Bearer ".Length).Trim()))
        {
            if (!nrf.TryCached(value.AsSpan("Bearer ".Length).Trim(), out var check))
            {
                check = await nrf.ValidateAsync(value["Bearer ".Length..].Trim(), http.RequestAborted);
            }

            switch (check.Outcome)
            {
                case TokenOutcome.Accepted:
                    return check.Operator;
                case TokenOutcome.InsufficientScope:
                    await RefuseAsync(http, StatusCodes.Status403Forbidden, InsufficientScope, check.Description);
                    return null;
                case TokenOutcome.UnknownConsumer:
                    await RefuseAsync(http, StatusCodes.Status403Forbidden, null, check.Description);
                    return null;
                default:
                    limiter.RecordFailure(address);
                    await RefuseAsync(http, StatusCodes.Status401Unauthorized, InvalidToken(check.Description), check.Description);
                    return null;
            }
        }

        var authenticated = await eir.Authenticator.AuthenticateAsync(value.AsMemory("Bearer ".Length).Trim(), http.RequestAborted);
        if (authenticated is not null)
        {
            return authenticated;
        }

        limiter.RecordFailure(address);
        await RefuseAsync(http, StatusCodes.Status401Unauthorized, BadSecretChallenge, BadSecret);
        return null;
    }

    private static readonly string BadSecretChallenge = InvalidToken(BadSecret);

    /// <summary>An RFC 6750 challenge; error_description keeps to the characters it allows (no quote or backslash).</summary>
    private static string InvalidToken(string description) =>
        $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"{string.Concat(description.Where(c => c is >= ' ' and <= '~' and not ('"' or '\\')))}\"";

    private static Task RefuseAsync(HttpContext http, int status, string? challenge, string detail)
    {
        if (challenge is not null)
        {
            http.Response.Headers.WWWAuthenticate = challenge;
        }

        return EirProblem.WriteAsync(http, EirProblem.Create(status, detail, http.Request.Path, null));
    }
}
