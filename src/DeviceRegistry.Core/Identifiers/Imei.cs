using System.Globalization;

namespace DeviceRegistry.Identifiers;

/// <summary>Why an IMEI was refused.</summary>
public enum ImeiProblem
{
    None = 0,
    Empty,
    NotDigits,
    WrongLength,
    CheckDigit,
    Junk,
}

/// <summary>
/// An IMEI keyed on its first 14 digits (TAC + serial number), as 3GPP TS 23.003 defines it.
/// The key is kept as a 64-bit integer; <see cref="ToString"/> restores leading zeros.
/// </summary>
public readonly record struct Imei(long Key)
{
    public const int KeyLength = 14;

    /// <summary>The type allocation code: the first 8 digits.</summary>
    public int Tac => (int)(Key / 1_000_000);

    public string TacText => Tac.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>The full 15-digit IMEI with its Luhn check digit.</summary>
    public string WithCheckDigit
    {
        get
        {
            var key = ToString();
            return key + Luhn.CheckDigit(key).ToString(CultureInfo.InvariantCulture);
        }
    }

    public override string ToString() => Key.ToString("D14", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses an IMEI as a network sends it: 14 digits, 15 (IMEI, check digit not verified because
    /// networks transmit it as 0) or 16 (IMEISV). Allocation-free.
    /// </summary>
    public static bool TryParseFromNetwork(ReadOnlySpan<char> text, out Imei imei, out ImeiProblem problem)
    {
        imei = default;
        if (text.IsEmpty)
        {
            problem = ImeiProblem.Empty;
            return false;
        }

        if (!Digits.AllDigits(text))
        {
            problem = ImeiProblem.NotDigits;
            return false;
        }

        if (text.Length is < 14 or > 16)
        {
            problem = ImeiProblem.WrongLength;
            return false;
        }

        imei = new Imei(Digits.ToInt64(text[..KeyLength]));
        if (IsJunk(imei))
        {
            problem = ImeiProblem.Junk;
            return false;
        }

        problem = ImeiProblem.None;
        return true;
    }

    /// <summary>
    /// Parses an IMEI a person typed: spaces, dashes and slashes are ignored; a 15-digit IMEI must
    /// carry a valid Luhn check digit; 14 digits (no check digit) and 16 (IMEISV) are accepted.
    /// </summary>
    public static bool TryParseFromPerson(ReadOnlySpan<char> text, out Imei imei, out ImeiProblem problem)
    {
        Span<char> buffer = stackalloc char[20];
        var n = 0;
        foreach (var c in text.Trim())
        {
            if (c is ' ' or '-' or '/' or '.')
            {
                continue;
            }

            if (n == buffer.Length)
            {
                imei = default;
                problem = ImeiProblem.WrongLength;
                return false;
            }

            buffer[n++] = c;
        }

        var digits = buffer[..n];
        if (!TryParseFromNetwork(digits, out imei, out problem))
        {
            return false;
        }

        if (digits.Length == 15 && !Luhn.IsValid(digits))
        {
            imei = default;
            problem = ImeiProblem.CheckDigit;
            return false;
        }

        return true;
    }

    public static Imei ParseFromNetwork(string text) =>
        TryParseFromNetwork(text, out var imei, out var problem)
            ? imei
            : throw new FormatException($"'{text}' is not an IMEI: {Describe(problem)}");

    /// <summary>
    /// Values that pass Luhn but no manufacturer ever allocated: all one digit, a counting run,
    /// or a TAC of zeros. Real systems keep such a denylist beside the GSMA TAC check.
    /// </summary>
    public static bool IsJunk(Imei imei)
    {
        // Formatted on the stack: network parsing runs once per attach-log row and must not allocate.
        Span<char> key = stackalloc char[KeyLength];
        if (imei.Key is < 0 or > 99_999_999_999_999
            || !imei.Key.TryFormat(key, out _, "D14", CultureInfo.InvariantCulture))
        {
            return true;
        }

        if (key.IndexOfAnyExcept(key[0]) < 0)
        {
            return true;
        }

        if (key.SequenceEqual("12345678901234")
            || key.StartsWith("0123456789")
            || key.StartsWith("9876543210"))
        {
            return true;
        }

        return imei.Tac == 0;
    }

    public static string Describe(ImeiProblem problem) => problem switch
    {
        ImeiProblem.None => "valid",
        ImeiProblem.Empty => "the IMEI is empty",
        ImeiProblem.NotDigits => "an IMEI has digits only",
        ImeiProblem.WrongLength => "an IMEI has 14, 15 (IMEI) or 16 (IMEISV) digits",
        ImeiProblem.CheckDigit => "the last digit is not the Luhn check digit of the first 14",
        ImeiProblem.Junk => "the number is a known junk pattern, not an allocated IMEI",
        _ => problem.ToString(),
    };
}
