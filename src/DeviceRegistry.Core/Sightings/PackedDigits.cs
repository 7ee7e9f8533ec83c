using System.Globalization;

namespace DeviceRegistry.Sightings;

/// <summary>
/// Up to 18 decimal digits kept as a number plus their count, so leading zeros survive and the
/// hot path never allocates a string per row. Ordered as the digit text is ordered (ordinal),
/// which is how both databases compare the stored text.
/// </summary>
public readonly record struct PackedDigits(long Value, byte Length) : IComparable<PackedDigits>
{
    private static readonly long[] PowersOfTen = BuildPowers();

    public bool IsEmpty => Length == 0;

    public static PackedDigits FromAscii(ReadOnlySpan<byte> digits)
    {
        long v = 0;
        foreach (var b in digits)
        {
            v = (v * 10) + (b - (byte)'0');
        }

        return new PackedDigits(v, (byte)digits.Length);
    }

    public static PackedDigits FromText(ReadOnlySpan<char> digits)
    {
        long v = 0;
        foreach (var c in digits)
        {
            v = (v * 10) + (c - '0');
        }

        return new PackedDigits(v, (byte)digits.Length);
    }

    public override string ToString() =>
        Length == 0 ? string.Empty : Value.ToString("D" + Length.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Writes the digits as ASCII into <paramref name="target"/> and returns how many were written.</summary>
    public int WriteAscii(Span<byte> target)
    {
        var v = Value;
        for (var i = Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (v % 10));
            v /= 10;
        }

        return Length;
    }

    /// <summary>Writes the digits as characters into <paramref name="target"/> and returns how many were written.</summary>
    public int WriteChars(Span<char> target)
    {
        var v = Value;
        for (var i = Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + (v % 10));
            v /= 10;
        }

        return Length;
    }

    /// <summary>Ordinal order of the digit texts: compare the common prefix, then the shorter one first.</summary>
    public int CompareTo(PackedDigits other)
    {
        if (Length == other.Length)
        {
            return Value.CompareTo(other.Value); // same length: numeric order is text order, no division needed
        }

        var common = Math.Min(Length, other.Length);
        var left = Value / PowersOfTen[Length - common];
        var right = other.Value / PowersOfTen[other.Length - common];
        var byPrefix = left.CompareTo(right);
        return byPrefix != 0 ? byPrefix : Length.CompareTo(other.Length);
    }

    public static bool operator <(PackedDigits left, PackedDigits right) => left.CompareTo(right) < 0;

    public static bool operator >(PackedDigits left, PackedDigits right) => left.CompareTo(right) > 0;

    public static bool operator <=(PackedDigits left, PackedDigits right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PackedDigits left, PackedDigits right) => left.CompareTo(right) >= 0;

    private static long[] BuildPowers()
    {
        var powers = new long[19];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
