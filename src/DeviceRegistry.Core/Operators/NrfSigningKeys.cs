using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DeviceRegistry.Eir;
using Microsoft.IdentityModel.Tokens;

namespace DeviceRegistry.Operators;

/// <summary>
/// The NRF's public signing keys from <c>Eir:Nrf:JwksFile</c> (each picked by its kid) and <c>Eir:Nrf:PublicKeyFiles</c>
/// (PEM, no kid: tried for a token whose kid names no JWKS key or that has none). Read once when the host starts.
/// Only RSA (at least 2048 bits) and EC (P-256, P-384, P-521) public keys; a private key in a file is refused.
/// </summary>
public sealed class NrfSigningKeys
{
    private readonly Dictionary<string, SecurityKey> byKid;
    private readonly SecurityKey[] withoutKid;
    private readonly SecurityKey[] all;

    private NrfSigningKeys(Dictionary<string, SecurityKey> byKid, List<SecurityKey> withoutKid)
    {
        this.byKid = byKid;
        this.withoutKid = [.. withoutKid];
        all = [.. byKid.Values, .. withoutKid];
    }

    public int Count => all.Length;

    /// <summary>The keys a token with this kid is checked against.</summary>
    public IEnumerable<SecurityKey> For(string? kid)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return all;
        }

        return byKid.TryGetValue(kid, out var key) ? [key] : withoutKid;
    }

    /// <summary>Reads the key files the settings name; the problems name the setting and the file.</summary>
    public static List<string> Load(NrfSettings settings, string section, out NrfSigningKeys keys)
    {
        var problems = new List<string>();
        var byKid = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        var withoutKid = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(settings.JwksFile))
        {
            ReadJwks(settings.JwksFile, $"{section}:JwksFile", byKid, withoutKid, problems);
        }

        for (var i = 0; i < settings.PublicKeyFiles.Count; i++)
        {
            var name = $"{section}:PublicKeyFiles:{i}";
            if (ReadPem(settings.PublicKeyFiles[i], name, problems) is { } key)
            {
                withoutKid.Add(key);
            }
        }

        keys = new NrfSigningKeys(byKid, withoutKid);
        return problems;
    }

    private static string? ReadText(string path, string name, List<string> problems)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add(File.Exists(path) ? $"{name}: {path} cannot be read ({ex.GetType().Name})" : $"{name}: {path} does not exist");
            return null;
        }
    }

    private static void ReadJwks(string path, string name, Dictionary<string, SecurityKey> byKid, List<SecurityKey> withoutKid, List<string> problems)
    {
        if (ReadText(path, name, problems) is not { } text)
        {
            return;
        }

        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(text);
        }
        catch (ArgumentException)
        {
            problems.Add($"{name}: {path} is not a JSON Web Key Set (RFC 7517: {{\"keys\":[…]}})");
            return;
        }

        if (set.Keys.Count == 0)
        {
            problems.Add($"{name}: {path} holds no key");
        }

        for (var i = 0; i < set.Keys.Count; i++)
        {
            var jwk = set.Keys[i];
            var what = $"{name}: key {i}{(string.IsNullOrEmpty(jwk.Kid) ? "" : $" (kid {jwk.Kid})")} of {path}";
            if (jwk.Use is { Length: > 0 } use && use != "sig")
            {
                continue;
            }

            var (key, problem) = FromJwk(jwk);
            if (problem is not null)
            {
                problems.Add($"{what} {problem}");
            }
            else if (string.IsNullOrEmpty(jwk.Kid))
            {
                withoutKid.Add(key!);
            }
            else if (!byKid.TryAdd(jwk.Kid, key!))
            {
                problems.Add($"{what}: the kid is used by another key of the set");
            }
        }
    }

    private static (SecurityKey? Key, string? Problem) FromJwk(JsonWebKey jwk)
    {
        if (!string.IsNullOrEmpty(jwk.D))
        {
            return (null, "holds a private key; give only the NRF's public keys");
        }

        try
        {
            switch (jwk.Kty)
            {
                case "RSA" when !string.IsNullOrEmpty(jwk.N) && !string.IsNullOrEmpty(jwk.E):
                    var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk.N), Exponent = Base64UrlEncoder.DecodeBytes(jwk.E) });
                    return rsa.KeySize < 2048 ? (null, $"is RSA of {rsa.KeySize} bits; at least 2048 are needed") : (new RsaSecurityKey(rsa) { KeyId = jwk.Kid }, null);
                case "EC" when CurveOf(jwk.Crv) is { } curve && !string.IsNullOrEmpty(jwk.X) && !string.IsNullOrEmpty(jwk.Y):
                    var ec = ECDsa.Create(new ECParameters
                    {
                        Curve = curve,
                        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
                    });
                    return (new ECDsaSecurityKey(ec) { KeyId = jwk.Kid }, null);
                default:
                    return (null, "is not an RSA (n, e) or EC (crv P-256, P-384 or P-521, x, y) public key");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return (null, $"cannot be used ({ex.Message})");
        }
    }

    private static ECCurve? CurveOf(string? crv) => crv switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        "P-521" => ECCurve.NamedCurves.nistP521,
        _ => null,
    };

    private static SecurityKey? ReadPem(string path, string name, List<string> problems)
    {
        if (ReadText(path, name, problems) is not { } text)
        {
            return null;
        }

        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            problems.Add($"{name}: {path} holds a private key; give only the NRF's public key or certificate");
            return null;
        }

        try
        {
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                using var certificate = X509Certificate2.CreateFromPem(text);
                if (certificate.GetRSAPublicKey() is { } certificateRsa)
                {
                    return RsaKey(certificateRsa, path, name, problems);
                }

                if (certificate.GetECDsaPublicKey() is { } certificateEc)
                {
                    return new ECDsaSecurityKey(certificateEc);
                }

                problems.Add($"{name}: the certificate in {path} has no RSA or EC public key");
                return null;
            }

            if (text.Contains("-----BEGIN RSA PUBLIC KEY-----", StringComparison.Ordinal) || IsRsaPublicKey(text))
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(text);
                return RsaKey(rsa, path, name, problems);
            }

            var ec = ECDsa.Create();
            ec.ImportFromPem(text);
            return new ECDsaSecurityKey(ec);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            problems.Add($"{name}: {path} is not a PEM RSA or EC public key or certificate ({ex.Message})");
            return null;
        }
    }

    private static bool IsRsaPublicKey(string text)
    {
        using var probe = RSA.Create();
        try
        {
            probe.ImportFromPem(text);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static RsaSecurityKey? RsaKey(RSA rsa, string path, string name, List<string> problems)
    {
        if (rsa.KeySize >= 2048)
        {
            return new RsaSecurityKey(rsa);
        }

        problems.Add($"{name}: the RSA key in {path} has {rsa.KeySize} bits; at least 2048 are needed");
        return null;
    }
}
