using System.Globalization;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Operators;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Eir;

/// <summary>
/// The <c>Eir:Nrf</c> section (docs/eir.md, "OAuth2 access tokens from the NRF"): the NRF whose access tokens
/// (TS 29.510 AccessTokenClaims) the EIR accepts beside operator secrets, its signing keys, and how a token's
/// consumer is attributed to an operator. Without <see cref="Issuer"/> no token is accepted.
/// </summary>
public sealed class NrfSettings : ISettingsSection
{
    /// <summary>The service name a token's scope must hold (TS 29.511's one OAuth2 scope).</summary>
    public const string Scope = "n5g-eir-eic";

    public const string ConsumersKey = "Consumers";

    /// <summary>The NRF's NF instance id: the <c>iss</c> of its tokens, compared exactly.</summary>
    public string? Issuer { get; set; }

    /// <summary>Accepted <c>aud</c> values: the NF type 5G_EIR and/or this EIR's NF instance id as registered in the NRF.</summary>
    public List<string> Audiences { get; set; } = ["5G_EIR"];

    /// <summary>A JSON Web Key Set file (RFC 7517) with the NRF's public signing keys (RSA or EC), each picked by its <c>kid</c>.</summary>
    public string? JwksFile { get; set; }

    /// <summary>PEM files, each an RSA or EC public key or a certificate; they have no key id and are tried for a token whose kid names no JWKS key.</summary>
    public List<string> PublicKeyFiles { get; set; } = [];

    /// <summary>How far exp and nbf may be off the EIR's clock.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Validated tokens remembered (until their exp) so a repeated token costs no signature check.</summary>
    public int TokenCacheEntries { get; set; } = 10_000;

    /// <summary>Consumer NF instance id (a token's <c>sub</c>, a UUID) → operator name, from <c>Eir:Nrf:Consumers:&lt;id&gt;</c>.</summary>
    public Dictionary<Guid, string> Consumers { get; } = [];

    /// <summary>Whether tokens are accepted at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer);

    public IEnumerable<string> OtherKeys => [ConsumersKey];

    public void BindOther(IConfigurationSection section, List<string> problems)
    {
        foreach (var child in section.GetSection(ConsumersKey).GetChildren())
        {
            var key = $"{section.Path}:{ConsumersKey}:{child.Key}";
            if (!Guid.TryParseExact(child.Key, "D", out var id))
            {
                problems.Add($"{key}: '{child.Key}' is not an NF instance id; the keys under {section.Path}:{ConsumersKey} are the consumers' NF instance ids (UUIDs, the sub of their tokens), each set to an operator name");
            }
            else if (string.IsNullOrWhiteSpace(child.Value))
            {
                problems.Add($"{key} must be an operator name (as in devreg operator add), not empty or a list");
            }
            else
            {
                Consumers[id] = child.Value.Trim();
            }
        }
    }

    public IEnumerable<string> Validate(string section)
    {
        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(JwksFile) || PublicKeyFiles.Count > 0 || Consumers.Count > 0)
            {
                yield return $"{section}:Issuer is not set, so no NRF access token is accepted, but other {section} settings are: set {section}:Issuer to the NRF's NF instance id (the iss of its tokens) or remove them";
            }

            yield break;
        }

        if (Audiences.Count == 0 || Audiences.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{section}:Audiences must list at least one audience, none empty: 5G_EIR (the NF type) and/or this EIR's NF instance id";
        }

        if (ClockSkewSeconds is < 0 or > 300)
        {
            yield return $"{section}:ClockSkewSeconds is {ClockSkewSeconds.ToString(CultureInfo.InvariantCulture)}; it must be between 0 and 300";
        }

        if (TokenCacheEntries is < 1 or > 1_000_000)
        {
            yield return $"{section}:TokenCacheEntries is {TokenCacheEntries.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and 1000000";
        }

        if (string.IsNullOrWhiteSpace(JwksFile) && PublicKeyFiles.Count == 0)
        {
            yield return $"{section}:Issuer is set but no signing key is: set {section}:JwksFile (a JWKS file of the NRF's public keys) and/or {section}:PublicKeyFiles (PEM public keys or certificates)";
        }
        else
        {
            foreach (var problem in NrfSigningKeys.Load(this, section, out _))
            {
                yield return problem;
            }
        }
    }
}
