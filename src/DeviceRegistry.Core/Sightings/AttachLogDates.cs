namespace DeviceRegistry.Sightings;

internal enum DateProblem
{
    None = 0,
    Empty,
    BadForm,
    NotARealDate,
    NoOffset,
}

/// <summary>
/// Reads the date of an attach-log row from ASCII bytes without allocating: <c>YYYYMMDD</c>,
/// <c>YYYY-MM-DD</c> (already local dates), or an ISO-8601 date-time with <c>Z</c> or an offset,
/// which is moved to its date in the registry's time zone (<see cref="Infrastructure.ZoneOffsets"/>).
/// </summary>
internal static class AttachLogDates
{
    public static DateProblem TryParse(ReadOnlySpan<byte> s, Infrastructure.ZoneOffsets zone, out DateOnly date)
    {
        date = default;
        if (s.IsEmpty)
        {
            return DateProblem.Empty;
        }

        int year, month, day;
        if (s.Length == 8)
        {
            if (!Number(s, 0, 4, out year) || !Number(s, 4, 2, out month) || !Number(s, 6, 2, out day))
            {
                return DateProblem.BadForm;
            }

            return Make(year, month, day, out date);
        }

        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !Number(s, 0, 4, out year) || !Number(s, 5, 2, out month) || !Number(s, 8, 2, out day))
        {
            return DateProblem.BadForm;
        }

        if (s.Length == 10)
        {
            return Make(year, month, day, out date);
        }

        // date-time: T or space, hh:mm[:ss[.fraction]], then Z or ±hh[:mm]
        if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s.Length < 16 || s[13] != ':'
            || !Number(s, 11, 2, out var hour) || !Number(s, 14, 2, out var minute) || hour > 23 || minute > 59)
        {
            return DateProblem.BadForm;
        }

        var i = 16;
        if (i < s.Length && s[i] == ':')
        {
            if (!Number(s, i + 1, 2, out var second) || second > 60)
            {
                return DateProblem.BadForm;
            }

            i += 3;
            if (i < s.Length && (s[i] == '.' || s[i] == ','))
            {
                i++;
                var digitsStart = i;
                while (i < s.Length && (uint)(s[i] - '0') <= 9)
                {
                    i++;
                }

                if (i == digitsStart)
                {
                    return DateProblem.BadForm;
                }
            }
        }

        if (i == s.Length)
        {
            return DateProblem.NoOffset;
        }

        int zoneMinutes;
        if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.Length)
        {
            zoneMinutes = 0;
        }
        else if (s[i] == '+' || s[i] == '-')
        {
            var sign = s[i] == '-' ? -1 : 1;
            var rest = s[(i + 1)..];
            int zh, zm = 0;
            var ok = rest.Length switch
            {
                2 => Number(rest, 0, 2, out zh),
                4 => Number(rest, 0, 2, out zh) && Number(rest, 2, 2, out zm),
                5 => rest[2] == ':' & Number(rest, 0, 2, out zh) & Number(rest, 3, 2, out zm),
                _ => Fail(out zh),
            };
            if (!ok || zh > 18 || zm > 59)
            {
                return DateProblem.BadForm;
            }

            zoneMinutes = sign * ((zh * 60) + zm);
        }
        else
        {
            return DateProblem.BadForm;
        }

        var problem = Make(year, month, day, out var written);
        if (problem != DateProblem.None)
        {
            return problem;
        }

        var utcMinute = ((long)written.DayNumber * 1440) + (hour * 60) + minute - zoneMinutes;
        if (utcMinute < 1440 || written.DayNumber >= DateOnly.MaxValue.DayNumber)
        {
            return DateProblem.NotARealDate;
        }

        var localDay = (long)Math.Floor((utcMinute + zone.OffsetMinutesAt(utcMinute)) / 1440.0);
        if (localDay < DateOnly.MinValue.DayNumber || localDay > DateOnly.MaxValue.DayNumber)
        {
            return DateProblem.NotARealDate;
        }

        date = DateOnly.FromDayNumber((int)localDay);
        return DateProblem.None;
    }

    private static DateProblem Make(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return DateProblem.NotARealDate;
        }

        date = new DateOnly(year, month, day);
        return DateProblem.None;
    }

    private static bool Number(ReadOnlySpan<byte> s, int start, int length, out int value)
    {
        value = 0;
        if (start + length > s.Length)
        {
            return false;
        }

        for (var k = start; k < start + length; k++)
        {
            var d = (uint)(s[k] - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }

    private static bool Fail(out int value)
    {
        value = 0;
        return false;
    }
}
