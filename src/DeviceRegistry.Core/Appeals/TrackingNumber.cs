using System.Security.Cryptography;

namespace DeviceRegistry.Appeals;

/// <summary>
/// An appeal's tracking number: "AP-" and two groups of four Crockford base32 characters from a
/// cryptographic random source, e.g. AP-7K3Q-9X2M (40 bits: guessing one is hopeless).
/// </summary>
public static class TrackingNumber
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<char> text = stackalloc char[12];
        "AP-".CopyTo(text);
        for (var i = 0; i < 8; i++)
        {
            text[i < 4 ? 3 + i : 4 + i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        text[7] = '-';
        return new string(text);
    }

    /// <summary>Accepts what a person types: lower case, missing dashes, surrounding spaces; "AP" may be left out.</summary>
    public static bool TryNormalize(string? text, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var chars = text.Trim().ToUpperInvariant().Where(c => c is not ('-' or ' ')).ToArray();
        var body = new string(chars);
        if (body.StartsWith("AP", StringComparison.Ordinal) && body.Length == 10)
        {
            body = body[2..];
        }

        if (body.Length != 8 || body.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            return false;
        }

        normalized = $"AP-{body[..4]}-{body[4..]}";
        return true;
    }
}
