namespace DeviceRegistry.Identifiers;

/// <summary>A phone number as E.164 digits (no '+'). Azerbaijan's country code is 994.</summary>
public static class Msisdn
{
    public const string HomeCountryCode = "994";

    /// <summary>
    /// Normalises a number: drops '+', spaces, dashes and brackets, a leading international "00",
    /// and turns a national number written with a trunk 0 (e.g. 050 123 45 67, or +994 (0)50 123 45 67)
    /// into 994501234567.
    /// Returns false when what is left is not 5 to 15 digits.
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> text, out string normalized)
    {
        Span<char> buffer = stackalloc char[24];
        var n = 0;
        foreach (var c in text.Trim())
        {
            if (c is ' ' or '-' or '(' or ')' or '.' || (c == '+' && n == 0))
            {
                continue;
            }

            if ((uint)(c - '0') > 9 || n == buffer.Length)
            {
                normalized = string.Empty;
                return false;
            }

            buffer[n++] = c;
        }

        ReadOnlySpan<char> digits = buffer[..n];
        if (digits.StartsWith("00"))
        {
            digits = digits[2..];
        }
        else if (digits.Length == 10 && digits[0] == '0')
        {
            normalized = string.Concat(HomeCountryCode, digits[1..]);
            return true;
        }

        // "+994 (0)50 123 45 67": the national trunk 0 written after the country code is not part of the number.
        if (digits.Length == 13 && digits.StartsWith(HomeCountryCode) && digits[3] == '0')
        {
            normalized = string.Concat(HomeCountryCode, digits[4..]);
            return true;
        }

        if (digits.Length is < 5 or > 15)
        {
            normalized = string.Empty;
            return false;
        }

        normalized = digits.ToString();
        return true;
    }
}
