using System.Security.Cryptography;

namespace DeviceRegistry.Appeals;

/// <summary>
/// An appeal's tracking number, the one thing a citizen is given to follow it: "AP-" and two groups of
/// four characters of Crockford's base32 alphabet (digits and upper-case letters without I, L, O, U), e.g.
/// "AP-7K3Q-9X2M". 40 random bits: guessing someone else's number is hopeless, and the public answer
/// carries no personal data anyway.
/// </summary>
public static class TrackingNumber
{
    /// <summary>Crockford's base32 alphabet.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public const string Prefix = "AP";

    private const int Length = 8;

    /// <summary>A new random tracking number in its written form, e.g. "AP-7K3Q-9X2M".</summary>
    public static string New() => Format(RandomNumberGenerator.GetString(Alphabet, Length));

    /// <summary>
    /// Reads a tracking number as people type it: upper or lower case, with or without the dashes (spaces
    /// count as dashes), with or without "AP"; as Crockford's alphabet intends, I and L are read as 1 and O as 0.
    /// <paramref name="normalized"/> is then the written form, e.g. "AP-7K3Q-9X2M".
    /// </summary>
    public static bool TryNormalize(string? text, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        Span<char> kept = stackalloc char[40];
        var count = 0;
        foreach (var c in text.Trim())
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            kept[count++] = char.ToUpperInvariant(c);
        }

        ReadOnlySpan<char> body = kept[..count];
        if (body.Length == Prefix.Length + Length && body.StartsWith(Prefix, StringComparison.Ordinal))
        {
            body = body[Prefix.Length..];
        }

        if (body.Length != Length)
        {
            return false;
        }

        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            var c = body[i] switch
            {
                'I' or 'L' => '1',
                'O' => '0',
                var other => other,
            };
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }

            code[i] = c;
        }

        normalized = Format(code);
        return true;
    }

    private static string Format(ReadOnlySpan<char> code) => $"{Prefix}-{code[..4]}-{code[4..]}";
}
