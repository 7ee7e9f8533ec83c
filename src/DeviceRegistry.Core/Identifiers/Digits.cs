namespace DeviceRegistry.Identifiers;

internal static class Digits
{
    public static bool AllDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if ((uint)(c - '0') > 9)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses up to 18 ASCII digits without allocating; the caller has checked they are digits.</summary>
    public static long ToInt64(ReadOnlySpan<char> s)
    {
        long v = 0;
        foreach (var c in s)
        {
            v = (v * 10) + (c - '0');
        }

        return v;
    }
}
