using System.Collections.Concurrent;
using System.Text.Json;
using DeviceRegistry.Eir;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DeviceRegistry.Operators;

/// <summary>What an NRF access token is worth (RFC 6750 §3.1: invalid_token is 401, insufficient_scope 403).</summary>
public enum TokenOutcome
{
    Accepted,
    InvalidToken,
    InsufficientScope,

    /// <summary>A valid token whose consumer is not attributed to an operator (403).</summary>
    UnknownConsumer,
}

/// <summary>The outcome of a token; the operator when accepted, else a description fit for error_description (no quotes or backslashes).</summary>
public readonly record struct TokenCheck(TokenOutcome Outcome, AuthenticatedOperator? Operator, string Description);

/// <summary>
/// Validates OAuth2 access tokens issued by the configured NRF (TS 29.510 AccessTokenClaims, TS 33.501 13.4.1):
/// the JWS signature (RS/PS/ES 256–512, keys from <see cref="NrfSigningKeys"/>), iss, aud, exp and nbf with
/// Eir:Nrf:ClockSkewSeconds against the EIR's clock, the scope holding n5g-eir-eic, then the consumer's operator
/// (by sub, else by consumerPlmnId). A token whose signature and claims were checked is remembered, by its exact
/// text, until its exp (bounded by Eir:Nrf:TokenCacheEntries), so a repeated token costs one dictionary lookup.
/// </summary>
public sealed partial class NrfAccessTokens
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private static readonly TokenCheck Expired = new(TokenOutcome.InvalidToken, null, "The access token has expired.");

    private readonly NrfSettings settings;
    private readonly Infrastructure.RegistrySettings registry;
    private readonly TimeProvider clock;
    private readonly OperatorAuthenticator operators;
    private readonly ILogger<NrfAccessTokens> logger;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters parameters;
    private readonly ConcurrentDictionary<string, CachedToken> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedToken>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private int cached;

    public NrfAccessTokens(EirSettings eir, Infrastructure.RegistrySettings registry, TimeProvider clock, OperatorAuthenticator operators, ILogger<NrfAccessTokens> logger)
    {
        settings = eir.Nrf;
        this.registry = registry;
        this.clock = clock;
        this.operators = operators;
        this.logger = logger;
        lookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        NrfSigningKeys keys;
        if (settings.Enabled)
        {
            var section = $"{EirSettings.Section}:{EirSettings.NrfSection}";
            var problems = NrfSigningKeys.Load(settings, section, out keys);
            if (settings.Consumers.Count == 0 && registry.Networks.Count == 0)
            {
                problems.Add($"{section} maps no consumer to an operator, so every token would be refused: set {section}:{NrfSettings.ConsumersKey}:<NF instance id> or " +
                    $"{Infrastructure.RegistrySettings.Section}:{Infrastructure.RegistrySettings.NetworksKey}:<MCC MNC> (the consumer's PLMN) to an operator name");
            }

            if (problems.Count > 0)
            {
                throw new Infrastructure.SettingsException(problems);
            }
        }
        else
        {
            NrfSigningKeys.Load(new NrfSettings(), string.Empty, out keys);
        }

        parameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudiences = settings.Audiences,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            // exp and nbf are checked here against the EIR's clock, with the configured skew.
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = (_, _, kid, _) => keys.For(kid),
        };
    }

    /// <summary>Whether an NRF is configured (Eir:Nrf:Issuer); without one no token is accepted.</summary>
    public bool Enabled => settings.Enabled;

    /// <summary>A compact JWS: three base64url parts separated by dots (the last may be empty, as with alg none).</summary>
    public static bool LooksLikeJwt(ReadOnlySpan<char> value)
    {
        var first = value.IndexOf('.');
        var last = value.LastIndexOf('.');
        if (first <= 0 || last <= first + 1 || value[(first + 1)..last].Contains('.'))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The outcome of a token seen before and not yet expired; no allocation.</summary>
    public bool TryCached(ReadOnlySpan<char> token, out TokenCheck check)
    {
        if (cache.IsEmpty || !lookup.TryGetValue(token, out var entry))
        {
            check = default;
            return false;
        }

        if (clock.GetUtcNow().ToUnixTimeSeconds() <= entry.ValidUntil)
        {
            check = entry.Check;
            return true;
        }

        if (lookup.TryRemove(token, out _))
        {
            Interlocked.Decrement(ref cached);
        }

        check = Expired;
        return true;
    }

    /// <summary>Validates a token not in the cache (a signature check) and remembers the outcome unless the token is invalid.</summary>
    public async ValueTask<TokenCheck> ValidateAsync(string token, CancellationToken ct)
    {
        var result = await handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return Invalid(Describe(result.Exception, token));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        Claims claims;
        try
        {
            claims = Claims.Read(jwt.EncodedPayload);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return Invalid("The access token's claims are not a JSON object.");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = settings.ClockSkewSeconds;
        if (claims.Exp is not { } exp)
        {
            return Invalid("The access token has no exp claim.");
        }

        if (now > exp + skew)
        {
            return Expired;
        }

        if (claims.Nbf is { } nbf && now < nbf - skew)
        {
            return Invalid("The access token is not valid yet (nbf).");
        }

        if (string.IsNullOrEmpty(claims.Sub))
        {
            return Invalid("The access token has no sub claim (the consumer NF instance id).");
        }

        var (name, refusal) = OperatorNameOf(claims);
        TokenCheck check;
        if (!HasScope(claims.Scope))
        {
            check = new TokenCheck(TokenOutcome.InsufficientScope, null, $"The access token's scope does not include {NrfSettings.Scope}.");
        }
        else if (refusal is { } unknown)
        {
            check = unknown;
        }
        else
        {
            if (await operators.FindByNameAsync(name!, ct) is not { } found)
            {
                LogUnknownOperator(logger, claims.Sub, name!);
                return new TokenCheck(TokenOutcome.UnknownConsumer, null, "The consumer is mapped to an operator this registry does not know.");
            }

            check = new TokenCheck(TokenOutcome.Accepted, found, string.Empty);
        }

        Remember(token, exp + skew, check);
        return check;
    }

    private static TokenCheck Invalid(string description) => new(TokenOutcome.InvalidToken, null, description);

    private static bool HasScope(string? scope)
    {
        foreach (var range in (scope ?? string.Empty).AsSpan().Split(' '))
        {
            if (scope.AsSpan()[range].SequenceEqual(NrfSettings.Scope))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The name of the operator the consumer is attributed to, or the refusal (Outcome UnknownConsumer).</summary>
    private (string? Name, TokenCheck? Refusal) OperatorNameOf(Claims claims)
    {
        var bySub = Guid.TryParse(claims.Sub, out var id) && settings.Consumers.TryGetValue(id, out var subName) ? subName : null;
        var byPlmn = claims.ConsumerPlmn is { } plmn ? registry.OperatorOfPlmn(plmn) : null;
        if (bySub is not null && byPlmn is not null && !string.Equals(bySub, byPlmn, StringComparison.Ordinal))
        {
            return (null, new TokenCheck(TokenOutcome.UnknownConsumer, null, "The consumer's NF instance id and its consumerPlmnId are mapped to different operators."));
        }

        return (bySub ?? byPlmn) is { } name
            ? (name, null)
            : (null, new TokenCheck(TokenOutcome.UnknownConsumer, null, "The consumer NF (sub, consumerPlmnId) is not mapped to an operator of this EIR."));
    }

    private void Remember(string token, long validUntil, TokenCheck check)
    {
        if (Volatile.Read(ref cached) >= settings.TokenCacheEntries)
        {
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var entry in cache)
            {
                if (entry.Value.ValidUntil < now && cache.TryRemove(entry.Key, out _))
                {
                    Interlocked.Decrement(ref cached);
                }
            }

            if (Volatile.Read(ref cached) >= settings.TokenCacheEntries)
            {
                // Full of live tokens (far more than a core's NFs hold): start afresh rather than scan on every miss.
                cache.Clear();
                Volatile.Write(ref cached, 0);
            }
        }

        if (cache.TryAdd(token, new CachedToken(validUntil, check)))
        {
            Interlocked.Increment(ref cached);
        }
    }

    private string Describe(Exception? exception, string token) => exception switch
    {
        SecurityTokenMalformedException or ArgumentException => "The access token is not a well-formed JWT.",
        SecurityTokenInvalidIssuerException => "The access token was not issued by this EIR's NRF (iss).",
        SecurityTokenInvalidAudienceException => "The access token is not meant for this EIR (aud).",
        SecurityTokenSignatureKeyNotFoundException => "No signing key of the NRF has the access token's key id (kid).",
        SecurityTokenInvalidAlgorithmException => "The access token's signing algorithm is not accepted.",
        SecurityTokenInvalidSignatureException when IsUnsigned(token) => "Unsigned access tokens (alg none) are not accepted.",
        SecurityTokenInvalidSignatureException => "The access token's signature is not valid.",
        _ => "The access token is not valid.",
    };

    private bool IsUnsigned(string token)
    {
        try
        {
            return handler.ReadJsonWebToken(token).Alg is null or "none";
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "An NRF access token of consumer {Consumer} is mapped to operator {Operator}, which the registry does not have (devreg operator add); it is refused 403")]
    private static partial void LogUnknownOperator(ILogger logger, string consumer, string @operator);

    private sealed record CachedToken(long ValidUntil, TokenCheck Check);

    /// <summary>The claims read here (the library's claim typing is not relied on for numbers and objects).</summary>
    private readonly record struct Claims(long? Exp, long? Nbf, string? Sub, string? Scope, string? ConsumerPlmn)
    {
        public static Claims Read(string encodedPayload)
        {
            using var json = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(encodedPayload));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("not an object");
            }

            string? plmn = null;
            if (root.TryGetProperty("consumerPlmnId", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("mcc", out var mcc) && mcc.ValueKind == JsonValueKind.String
                && p.TryGetProperty("mnc", out var mnc) && mnc.ValueKind == JsonValueKind.String)
            {
                plmn = mcc.GetString() + mnc.GetString();
            }

            return new Claims(Seconds(root, "exp"), Seconds(root, "nbf"), Text(root, "sub"), Text(root, "scope"), plmn);
        }

        private static long? Seconds(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
                ? value.TryGetInt64(out var whole) ? whole : (long)Math.Floor(value.GetDouble())
                : null;

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
