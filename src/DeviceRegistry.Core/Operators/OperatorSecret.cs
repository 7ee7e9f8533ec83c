using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DeviceRegistry.Operators;

/// <summary>
/// Operators' API secrets. A secret reads <c>eir_{operatorId}_{43 base64url characters}</c> (256 random bits);
/// the operator id in it lets a server check a presented secret against one stored hash instead of all.
/// Stored as <c>hmac-sha256${key id}${HMAC-SHA-256 base64}</c> keyed with the server's
/// <see cref="OperatorCredentialKey"/> (microseconds to check; the secret has 256 random bits, so no salt or
/// stretching is needed). Secrets issued before that are stored as
/// <c>pbkdf2-sha256${iterations}${salt base64}${hash base64}</c> and keep working until rotated.
/// </summary>
public static class OperatorSecret
{
    public const string Prefix = "eir_";
    public const string HmacScheme = "hmac-sha256";
    public const string HashScheme = "pbkdf2-sha256";
    public const int MacBytes = 32;
    public const int Iterations = 210_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int RandomBytes = 32;

    public static string Generate(int operatorId)
    {
        var random = RandomNumberGenerator.GetBytes(RandomBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{operatorId}_{Base64Url(random)}");
    }

    /// <summary>The stored form of a new secret: <c>hmac-sha256${key id}${base64}</c>.</summary>
    public static string HashHmac(string secret, OperatorCredentialKey key)
    {
        Span<byte> mac = stackalloc byte[MacBytes];
        key.Compute(secret, mac);
        return string.Create(CultureInfo.InvariantCulture, $"{HmacScheme}${key.Id}${Convert.ToBase64String(mac)}");
    }

    /// <summary>
    /// The MAC of an <c>hmac-sha256</c> hash made with <paramref name="key"/>, decoded once so a check only
    /// computes and compares; null for any other scheme, another key or a malformed hash.
    /// </summary>
    public static byte[]? HmacOf(string storedHash, OperatorCredentialKey key)
    {
        var parts = storedHash.Split('$');
        if (parts.Length != 3 || parts[0] != HmacScheme || parts[1] != key.Id)
        {
            return null;
        }

        var mac = new byte[MacBytes];
        return Convert.TryFromBase64String(parts[2], mac, out var n) && n == MacBytes ? mac : null;
    }

    /// <summary>Checks a secret against a decoded HMAC (<see cref="HmacOf"/>) in constant time.</summary>
    public static bool VerifyHmac(ReadOnlySpan<char> secret, ReadOnlySpan<byte> expected, OperatorCredentialKey key)
    {
        Span<byte> actual = stackalloc byte[MacBytes];
        key.Compute(secret, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether a stored hash is the slow legacy PBKDF2 form.</summary>
    public static bool IsPbkdf2(string storedHash) => storedHash.StartsWith(HashScheme + "$", StringComparison.Ordinal);

    /// <summary>Checks a secret against a stored hash of either scheme; false for a malformed hash or one made with another key.</summary>
    public static bool Verify(string secret, string storedHash, OperatorCredentialKey key) =>
        IsPbkdf2(storedHash) ? Verify(secret, storedHash) : HmacOf(storedHash, key) is { } mac && VerifyHmac(secret, mac, key);

    /// <summary>The legacy PBKDF2 form (210,000 iterations), kept for checking old rows; new secrets use <see cref="HashHmac"/>.</summary>
    public static string Hash(string secret) => Hash(secret, RandomNumberGenerator.GetBytes(SaltBytes), Iterations);

    public static string Hash(string secret, byte[] salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{HashScheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Checks a presented secret against a legacy PBKDF2 hash in constant time; false for any malformed or other hash.</summary>
    public static bool Verify(string secret, string storedHash)
    {
        var parts = storedHash.Split('$');
        if (parts.Length != 4 || parts[0] != HashScheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] salt;
        byte[] expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>The operator id a secret claims to belong to, or null when it does not have the secret's shape.</summary>
    public static int? ClaimedOperatorId(ReadOnlySpan<char> secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = secret[Prefix.Length..];
        var underscore = rest.IndexOf('_');
        if (underscore <= 0 || underscore > 9
            || !int.TryParse(rest[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        return id;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
