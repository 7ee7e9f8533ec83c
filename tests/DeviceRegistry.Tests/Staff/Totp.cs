using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace DeviceRegistry.Tests.Staff;

/// <summary>
/// The test's own authenticator app, written from RFC 6238 (TOTP) and RFC 4226 (HOTP) and independent of
/// Identity's code under test: HMAC-SHA1 over the 30-second step count, dynamic truncation, 6 digits; the
/// shared key in base32 (RFC 4648) as the security page shows it.
/// </summary>
internal static class Totp
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Code(string base32Key, DateTimeOffset at)
    {
        var key = Base32Decode(base32Key);
        var counter = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
#pragma warning disable CA5350 // RFC 6238's default, and what authenticator apps compute: the test must do the same.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    public static byte[] Base32Decode(string text)
    {
        var clean = new string(text.Where(c => !char.IsWhiteSpace(c) && c != '=').Select(char.ToUpperInvariant).ToArray());
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }
}

/// <summary>Checks the test's TOTP against RFC 6238's published SHA-1 test vectors, so a wrong code is Identity's fault, not ours.</summary>
public sealed class TotpTests
{
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1234567890L, "89005924")]
    public void Matches_the_RFC_6238_vectors_in_their_last_six_digits(long unixSeconds, string eightDigits)
    {
        // RFC 6238's SHA-1 key is the ASCII "12345678901234567890"; its base32 form:
        const string key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        Assert.Equal(eightDigits[2..], Totp.Code(key, DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));
    }
}
