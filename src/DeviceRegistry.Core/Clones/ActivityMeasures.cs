using System.Numerics;

namespace DeviceRegistry.Clones;

/// <summary>
/// The measures rules are made of, computed over a period ending on the as-of date. Bitwise over the
/// IMSIs' day bitsets: a few dozen word operations per IMSI, no allocation beyond a scratch buffer.
/// </summary>
public sealed class ActivityMeasures
{
    // counts[k][w]: bit d set = at least k+1 of the IMSIs added so far were on day d (bit-sliced saturating counters)
    private ulong[] counters = new ulong[64];
    private ulong[] core = new ulong[8];
    private ulong[] concurrent = new ulong[8];
    private int[] candidates = new int[16];
    private int[] candidateDays = new int[16];

    /// <summary>Distinct IMSIs seen on at least one day of the period.</summary>
    public static int DistinctImsis(ImeiActivity activity, int periodDays)
    {
        var from = activity.PeriodStart(periodDays);
        var to = activity.DayCount - 1;
        var count = 0;
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            if (ImeiActivity.CountDays(activity.DaysOf(i), from, to) > 0)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The days of the period on which the IMEI was seen with any IMSI, and the sum over those days of distinct IMSIs seen.</summary>
    public (int SeenDays, long ImsiDays) DailyTotals(ImeiActivity activity, int periodDays)
    {
        var from = activity.PeriodStart(periodDays);
        var to = activity.DayCount - 1;
        var words = activity.Words;
        var union = Scratch(ref core, words);
        long imsiDays = 0;
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var days = activity.DaysOf(i);
            imsiDays += ImeiActivity.CountDays(days, from, to);
            for (var w = 0; w < words; w++)
            {
                union[w] |= days[w];
            }
        }

        return (ImeiActivity.CountDays(union, from, to), imsiDays);
    }

    /// <summary>
    /// The days (as a bitset over the whole range) on which at least <paramref name="minImsis"/> IMSIs
    /// were seen. With <paramref name="transitionDays"/> &gt; 0 an IMSI counts on a day only when that
    /// day lies at least that many days after its first and before its last day seen: the days where
    /// an old and a new SIM overlap at a number change or a SIM replacement do not count.
    /// </summary>
    public ReadOnlySpan<ulong> DaysWithAtLeast(ImeiActivity activity, int minImsis, int transitionDays)
    {
        var words = activity.Words;
        var levels = Scratch(ref counters, words * minImsis);
        var steady = Scratch(ref core, words);
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var days = activity.DaysOf(i);
            ReadOnlySpan<ulong> counted = days;
            if (transitionDays > 0)
            {
                var first = ImeiActivity.FirstDay(days);
                var last = ImeiActivity.LastDay(days);
                if (first < 0 || last - first < 2 * transitionDays)
                {
                    continue;
                }

                days.CopyTo(steady);
                ImeiActivity.ClearRange(steady, first, first + transitionDays - 1);
                ImeiActivity.ClearRange(steady, last - transitionDays + 1, last);
                counted = steady;
            }

            for (var level = minImsis - 1; level >= 1; level--)
            {
                var above = levels.Slice(level * words, words);
                var below = levels.Slice((level - 1) * words, words);
                for (var w = 0; w < words; w++)
                {
                    above[w] |= below[w] & counted[w];
                }
            }

            var lowest = levels[..words];
            for (var w = 0; w < words; w++)
            {
                lowest[w] |= counted[w];
            }
        }

        return levels.Slice((minImsis - 1) * words, words);
    }

    /// <summary>
    /// The concurrent days: days on which at least <paramref name="minImsis"/> IMSIs in steady use were seen
    /// (<see cref="DaysWithAtLeast"/>), leaving out handovers: a day whose nearest days seen before and after
    /// share no IMSI is the day the phone went from one SIM to another (a visitor's weekend on the home SIM,
    /// two SIMs taken in turn), not two subscribers at once.
    /// </summary>
    public ReadOnlySpan<ulong> ConcurrentDays(ImeiActivity activity, int minImsis, int transitionDays)
    {
        var words = activity.Words;
        var result = Scratch(ref concurrent, words);
        DaysWithAtLeast(activity, minImsis, transitionDays).CopyTo(result);
        var union = Scratch(ref core, words);
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var days = activity.DaysOf(i);
            for (var w = 0; w < words; w++)
            {
                union[w] |= days[w];
            }
        }

        for (var w = 0; w < words; w++)
        {
            var word = result[w];
            while (word != 0)
            {
                var day = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                var before = day - 1;
                while (before >= 0 && !ImeiActivity.IsSet(union, before))
                {
                    before--;
                }

                var after = day + 1;
                while (after < activity.DayCount && !ImeiActivity.IsSet(union, after))
                {
                    after++;
                }

                if (before < 0 || after >= activity.DayCount)
                {
                    continue; // nothing to compare with: it counts
                }

                var shared = false;
                for (var i = 0; i < activity.ImsiCount && !shared; i++)
                {
                    var days = activity.DaysOf(i);
                    shared = ImeiActivity.IsSet(days, before) && ImeiActivity.IsSet(days, after);
                }

                if (!shared)
                {
                    result[w] &= ~(1UL << (day & 63));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// How many 7-day blocks, counted back from the as-of date, hold at least <paramref name="minDaysPerWeek"/>
    /// days set in the period.
    /// </summary>
    public static int WeeksWithDays(ImeiActivity activity, ReadOnlySpan<ulong> days, int periodDays, int minDaysPerWeek = 1)
    {
        var from = activity.PeriodStart(periodDays);
        var asOf = activity.DayCount - 1;
        Span<byte> perWeek = stackalloc byte[64]; // PeriodDays is at most 366: 53 blocks
        perWeek.Clear();
        for (var w = from >> 6; w < days.Length; w++)
        {
            var word = days[w];
            while (word != 0)
            {
                var day = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (day >= from && day <= asOf)
                {
                    perWeek[(asOf - day) / 7]++;
                }
            }
        }

        var weeks = 0;
        foreach (var count in perWeek)
        {
            if (count >= minDaysPerWeek)
            {
                weeks++;
            }
        }

        return weeks;
    }

    /// <summary>
    /// The IMSIs seen on at least <paramref name="minDays"/> days from <paramref name="from"/> to the as-of date, the most-seen
    /// first, at most <paramref name="max"/> of them (a view of a reused buffer).
    /// </summary>
    public ReadOnlySpan<int> Candidates(ImeiActivity activity, int from, int minDays, int max)
    {
        if (candidates.Length < activity.ImsiCount)
        {
            candidates = new int[activity.ImsiCount * 2];
            candidateDays = new int[activity.ImsiCount * 2];
        }

        var count = 0;
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var days = ImeiActivity.CountDays(activity.DaysOf(i), from, activity.DayCount - 1);
            if (days >= minDays)
            {
                candidates[count] = i;
                candidateDays[count] = -days;
                count++;
            }
        }

        candidateDays.AsSpan(0, count).Sort(candidates.AsSpan(0, count));
        return candidates.AsSpan(0, Math.Min(count, max));
    }

    /// <summary>The most distinct IMSIs seen on one day of the period.</summary>
    public static int MaxDailyImsis(ImeiActivity activity, int periodDays)
    {
        var from = activity.PeriodStart(periodDays);
        var counts = new int[activity.DayCount];
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var days = activity.DaysOf(i);
            for (var d = from; d < activity.DayCount; d++)
            {
                if (ImeiActivity.IsSet(days, d))
                {
                    counts[d]++;
                }
            }
        }

        return counts.Length == 0 ? 0 : counts.Max();
    }

    private static Span<ulong> Scratch(ref ulong[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new ulong[Math.Max(length, buffer.Length * 2)];
        }

        var span = buffer.AsSpan(0, length);
        span.Clear();
        return span;
    }
}
