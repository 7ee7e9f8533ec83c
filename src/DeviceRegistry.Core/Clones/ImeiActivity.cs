using System.Numerics;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Clones;

/// <summary>
/// The days on which each IMSI was seen on one IMEI, as one bitset per IMSI over the detection
/// range (day 0 = <see cref="RangeStart"/>, the last day = the as-of date). Reused from IMEI to IMEI
/// by the scanner so that memory stays bounded by the largest IMEI, not by the table.
/// </summary>
public sealed class ImeiActivity
{
    private readonly Dictionary<string, int> imsiIndex = new(StringComparer.Ordinal);
    private readonly List<string> imsis = [];
    private readonly List<bool> home = [];
    private readonly HomeNetworks? homeNetworks;
    private ulong[] bits;
    private ulong[] elsewhere;

    /// <param name="homeNetworks">Which IMSIs are the country's (<c>Registry:HomeNetworks</c>); without it every IMSI counts as home.</param>
    public ImeiActivity(DateOnly rangeStart, DateOnly asOf, HomeNetworks? homeNetworks = null)
        : this(rangeStart, asOf, homeNetworks, 8)
    {
    }

    private ImeiActivity(DateOnly rangeStart, DateOnly asOf, HomeNetworks? homeNetworks, int imsiCapacity)
    {
        this.homeNetworks = homeNetworks;
        if (asOf < rangeStart)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), "the as-of date is before the range start");
        }

        RangeStart = rangeStart;
        AsOf = asOf;
        DayCount = asOf.DayNumber - rangeStart.DayNumber + 1;
        Words = (DayCount + 63) / 64;
        bits = new ulong[Words * imsiCapacity];
        elsewhere = new ulong[Words * imsiCapacity];
    }

    public DateOnly RangeStart { get; }

    public DateOnly AsOf { get; }

    /// <summary>Days in the range; the as-of date is day DayCount - 1.</summary>
    public int DayCount { get; }

    /// <summary>64-bit words per IMSI bitset.</summary>
    public int Words { get; }

    public long Imei { get; private set; }

    public int ImsiCount => imsis.Count;

    public string ImsiAt(int index) => imsis[index];

    /// <summary>Whether the IMSI is of a home network (always true when no home networks were given).</summary>
    public bool IsHome(int index) => home[index];

    /// <summary>The bitset of one IMSI (bit d = seen on day d of the range).</summary>
    public ReadOnlySpan<ulong> DaysOf(int imsi) => bits.AsSpan(imsi * Words, Words);

    /// <summary>
    /// Whether the days each IMSI was seen on other IMEIs were read (<see cref="AddElsewhere"/>): detection reads them only
    /// for an IMEI a rule matched, since they can only spare it (<see cref="SimWhereabouts"/>).
    /// </summary>
    public bool HasWhereabouts { get; private set; }

    /// <summary>The days one IMSI was seen on other IMEIs (bit d = day d of the range); all clear until <see cref="HasWhereabouts"/>.</summary>
    public ReadOnlySpan<ulong> ElsewhereOf(int imsi) => elsewhere.AsSpan(imsi * Words, Words);

    public void Reset(long imei)
    {
        Imei = imei;
        Array.Clear(bits, 0, imsis.Count * Words);
        if (HasWhereabouts)
        {
            Array.Clear(elsewhere, 0, imsis.Count * Words); // only a matched IMEI's copy has them: the full run's loop pays nothing
            HasWhereabouts = false;
        }

        imsis.Clear();
        home.Clear();
        imsiIndex.Clear();
    }

    /// <summary>ORs a month's day mask (bit d-1 = day d) for an IMSI; days outside the range are dropped.</summary>
    public void Add(string imsi, int yearMonth, int dayMask)
    {
        if (Place(yearMonth, dayMask) is { } placed)
        {
            var index = IndexOf(imsi); // before reading bits: a new IMSI may grow the buffer
            Or(bits.AsSpan(index * Words, Words), placed.Offset, placed.Mask);
        }
    }

    /// <summary>
    /// ORs a month's day mask of one of this IMEI's IMSIs seen on another IMEI (an IMSI not seen here is ignored), and marks
    /// the whereabouts as read. Call <see cref="MarkWhereaboutsRead"/> when an IMEI's IMSIs were seen nowhere else.
    /// </summary>
    public void AddElsewhere(string imsi, int yearMonth, int dayMask)
    {
        HasWhereabouts = true;
        if (imsiIndex.TryGetValue(imsi, out var index) && Place(yearMonth, dayMask) is { } placed)
        {
            Or(elsewhere.AsSpan(index * Words, Words), placed.Offset, placed.Mask);
        }
    }

    /// <summary>The whereabouts were read, whether or not any IMSI was seen on another IMEI.</summary>
    public void MarkWhereaboutsRead() => HasWhereabouts = true;

    /// <summary>A copy of this IMEI's days (and whereabouts), independent of the reused buffer.</summary>
    public ImeiActivity Copy()
    {
        // sized to this IMEI's SIMs, not to the reused buffer (which keeps the largest IMEI's size): copies wait in memory
        var copy = new ImeiActivity(RangeStart, AsOf, homeNetworks, Math.Max(1, imsis.Count)) { Imei = Imei, HasWhereabouts = HasWhereabouts };
        bits.AsSpan(0, imsis.Count * Words).CopyTo(copy.bits);
        elsewhere.AsSpan(0, imsis.Count * Words).CopyTo(copy.elsewhere);
        copy.imsis.AddRange(imsis);
        copy.home.AddRange(home);
        foreach (var (imsi, index) in imsiIndex)
        {
            copy.imsiIndex.Add(imsi, index);
        }

        return copy;
    }

    /// <summary>Where a month's mask falls in the range: the first day's offset and the mask shifted to it, or null when outside.</summary>
    private (int Offset, ulong Mask)? Place(int yearMonth, int dayMask)
    {
        var monthStart = new DateOnly(yearMonth / 100, yearMonth % 100, 1);
        var offset = monthStart.DayNumber - RangeStart.DayNumber;
        var mask = (ulong)(uint)dayMask & 0x7FFF_FFFFUL;
        if (offset < 0)
        {
            mask = -offset >= 64 ? 0 : mask >> -offset;
            offset = 0;
        }

        return mask == 0 || offset >= DayCount ? null : (offset, mask);
    }

    private void Or(Span<ulong> row, int offset, ulong mask)
    {
        var word = offset >> 6;
        var shift = offset & 63;
        row[word] |= mask << shift;
        if (shift > 33 && word + 1 < Words)
        {
            row[word + 1] |= mask >> (64 - shift);
        }

        // days after the as-of date are not evidence yet
        var tail = DayCount & 63;
        if (tail != 0)
        {
            row[Words - 1] &= (1UL << tail) - 1;
        }
    }

    /// <summary>
    /// Forgets every day up to and including <paramref name="lastIgnoredDay"/> (evidence given before an appeal was approved).
    /// The whereabouts are left: they are counted only over a pair's common span, which these days no longer reach.
    /// </summary>
    public void IgnoreUpTo(DateOnly lastIgnoredDay)
    {
        var end = Math.Min(lastIgnoredDay.DayNumber - RangeStart.DayNumber, DayCount - 1);
        if (end < 0)
        {
            return;
        }

        for (var i = 0; i < imsis.Count; i++)
        {
            ClearRange(bits.AsSpan(i * Words, Words), 0, end);
        }
    }

    /// <summary>The first day index of a period of <paramref name="periodDays"/> days ending on the as-of date (inclusive).</summary>
    public int PeriodStart(int periodDays) => Math.Max(0, DayCount - periodDays);

    public DateOnly DateOf(int day) => RangeStart.AddDays(day);

    private int IndexOf(string imsi)
    {
        if (imsiIndex.TryGetValue(imsi, out var index))
        {
            return index;
        }

        index = imsis.Count;
        if ((index + 1) * Words > bits.Length)
        {
            Array.Resize(ref bits, bits.Length * 2);
            Array.Resize(ref elsewhere, elsewhere.Length * 2);
        }

        imsis.Add(imsi);
        home.Add(homeNetworks?.IsHome(imsi) ?? true);
        imsiIndex.Add(imsi, index);
        return index;
    }

    internal static void ClearRange(Span<ulong> set, int from, int to)
    {
        for (var day = from; day <= to;)
        {
            var word = day >> 6;
            var bit = day & 63;
            var last = Math.Min(63, bit + (to - day));
            var width = last - bit + 1;
            var mask = width == 64 ? ulong.MaxValue : ((1UL << width) - 1) << bit;
            set[word] &= ~mask;
            day += width;
        }
    }

    /// <summary>Counts the days set in [from, to] (inclusive).</summary>
    public static int CountDays(ReadOnlySpan<ulong> set, int from, int to)
    {
        var count = 0;
        for (var day = from; day <= to;)
        {
            var word = day >> 6;
            var bit = day & 63;
            var last = Math.Min(63, bit + (to - day));
            var width = last - bit + 1;
            var mask = width == 64 ? ulong.MaxValue : ((1UL << width) - 1) << bit;
            count += BitOperations.PopCount(set[word] & mask);
            day += width;
        }

        return count;
    }

    /// <summary>The first day set, or -1.</summary>
    public static int FirstDay(ReadOnlySpan<ulong> set)
    {
        for (var w = 0; w < set.Length; w++)
        {
            if (set[w] != 0)
            {
                return (w << 6) + BitOperations.TrailingZeroCount(set[w]);
            }
        }

        return -1;
    }

    /// <summary>The last day set, or -1.</summary>
    public static int LastDay(ReadOnlySpan<ulong> set)
    {
        for (var w = set.Length - 1; w >= 0; w--)
        {
            if (set[w] != 0)
            {
                return (w << 6) + 63 - BitOperations.LeadingZeroCount(set[w]);
            }
        }

        return -1;
    }

    public static bool IsSet(ReadOnlySpan<ulong> set, int day) => (set[day >> 6] & (1UL << (day & 63))) != 0;
}
