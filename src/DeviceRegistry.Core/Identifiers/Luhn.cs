namespace DeviceRegistry.Identifiers;

/// <summary>The Luhn check digit as 3GPP TS 23.003 annex B defines it for the IMEI.</summary>
public static class Luhn
{
    /// <summary>Computes the check digit over the given digits (for an IMEI: the 14 digits before it).</summary>
    /// <exception cref="ArgumentException">The text is empty or holds something other than the digits 0-9.</exception>
    public static int CheckDigit(ReadOnlySpan<char> digits)
    {
        if (!Digits.AllDigits(digits))
        {
            throw new ArgumentException("The Luhn check digit is computed over the digits 0-9 only.", nameof(digits));
        }

        var sum = 0;
        // Counting from the right starting at 1, every digit in an odd position is doubled.
        var doubleIt = true;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return (10 - (sum % 10)) % 10;
    }

    public static bool IsValid(ReadOnlySpan<char> digitsWithCheckDigit) =>
        digitsWithCheckDigit.Length >= 2
        && Digits.AllDigits(digitsWithCheckDigit)
        && CheckDigit(digitsWithCheckDigit[..^1]) == digitsWithCheckDigit[^1] - '0';
}
