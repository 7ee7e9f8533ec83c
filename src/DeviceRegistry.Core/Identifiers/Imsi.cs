namespace DeviceRegistry.Identifiers;

public enum ImsiProblem
{
    None = 0,
    Empty,
    NotDigits,
    WrongLength,
}

/// <summary>
/// A subscriber identity: MCC (3 digits) + MNC (2 or 3) + MSIN, 6 to 15 digits. Kept as text because
/// its length carries meaning and leading zeros must survive.
/// </summary>
public readonly record struct Imsi(string Value)
{
    public int Mcc => int.Parse(Value.AsSpan(0, 3), provider: System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The MNC: 2 digits in most of the world (Azerbaijan's networks 01, 02, 04, 06), 3 in North America. Home or roaming is <see cref="HomeNetworks"/>'s call.</summary>
    public string Mnc => Value.Substring(3, MncLength(Value));

    public override string ToString() => Value;

    public static bool TryParse(ReadOnlySpan<char> text, out Imsi imsi, out ImsiProblem problem)
    {
        imsi = default;
        problem = Validate(text);
        if (problem != ImsiProblem.None)
        {
            return false;
        }

        imsi = new Imsi(text.ToString());
        return true;
    }

    public static ImsiProblem Validate(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return ImsiProblem.Empty;
        }

        if (!Digits.AllDigits(text))
        {
            return ImsiProblem.NotDigits;
        }

        return text.Length is < 6 or > 15 ? ImsiProblem.WrongLength : ImsiProblem.None;
    }

    public static Imsi Parse(string text) =>
        TryParse(text, out var imsi, out var problem) ? imsi : throw new FormatException($"'{text}' is not an IMSI: {Describe(problem)}");

    public static string Describe(ImsiProblem problem) => problem switch
    {
        ImsiProblem.None => "valid",
        ImsiProblem.Empty => "the IMSI is empty",
        ImsiProblem.NotDigits => "an IMSI has digits only",
        ImsiProblem.WrongLength => "an IMSI has 6 to 15 digits",
        _ => problem.ToString(),
    };

    // North American MCCs (310-316) use 3-digit MNCs; the rest of the world mostly 2.
    private static int MncLength(string imsi) =>
        imsi.Length >= 6 && imsi[0] == '3' && imsi[1] == '1' && imsi[2] is >= '0' and <= '6' ? 3 : 2;
}
