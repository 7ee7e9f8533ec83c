using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DeviceRegistry.Operators;

/// <summary>
/// Operators' API secrets. A secret reads <c>eir_{operatorId}_{43 base64url characters}</c> (256 random bits);
/// the operator id in it lets a server check a presented secret against one stored hash instead of all.
/// Stored as <c>pbkdf2-sha256${iterations}${salt base64}${hash base64}</c> with a 16-byte salt per secret.
/// </summary>
public static class OperatorSecret
{
    public const string Prefix = "eir_";
    public const string HashScheme = "pbkdf2-sha256";
    public const int Iterations = 210_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int RandomBytes = 32;

    public static string Generate(int operatorId)
    {
        var random = RandomNumberGenerator.GetBytes(RandomBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{operatorId}_{Base64Url(random)}");
    }

    public static string Hash(string secret) => Hash(secret, RandomNumberGenerator.GetBytes(SaltBytes), Iterations);

    public static string Hash(string secret, byte[] salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{HashScheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Checks a presented secret against a stored hash in constant time; false for any malformed hash.</summary>
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
