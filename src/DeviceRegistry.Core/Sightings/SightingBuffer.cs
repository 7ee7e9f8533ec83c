using System.Runtime.InteropServices;

namespace DeviceRegistry.Sightings;

/// <summary>The store's key: one IMEI-IMSI pair through one operator in one month (yyyymm).</summary>
public readonly struct SightingKey(long imei, PackedDigits imsi, int operatorId, int month) : IEquatable<SightingKey>, IComparable<SightingKey>
{
    public long Imei { get; } = imei;

    public PackedDigits Imsi { get; } = imsi;

    public int OperatorId { get; } = operatorId;

    public int Month { get; } = month;

    public bool Equals(SightingKey other) =>
        Imei == other.Imei && Imsi.Value == other.Imsi.Value && Imsi.Length == other.Imsi.Length
        && OperatorId == other.OperatorId && Month == other.Month;

    public override bool Equals(object? obj) => obj is SightingKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Imei, Imsi.Value, OperatorId, Month);

    /// <summary>Primary-key order, so a sorted chunk walks the B-tree forward.</summary>
    public int CompareTo(SightingKey other)
    {
        var c = Imei.CompareTo(other.Imei);
        if (c != 0)
        {
            return c;
        }

        c = Imsi.CompareTo(other.Imsi);
        if (c != 0)
        {
            return c;
        }

        c = OperatorId.CompareTo(other.OperatorId);
        return c != 0 ? c : Month.CompareTo(other.Month);
    }

    public static bool operator ==(SightingKey left, SightingKey right) => left.Equals(right);

    public static bool operator !=(SightingKey left, SightingKey right) => !left.Equals(right);

    public static bool operator <(SightingKey left, SightingKey right) => left.CompareTo(right) < 0;

    public static bool operator >(SightingKey left, SightingKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(SightingKey left, SightingKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SightingKey left, SightingKey right) => left.CompareTo(right) >= 0;
}

/// <summary>What a chunk knows about one key: the days seen (bit d-1 = day d), first and last day, the latest MSISDN and its day.</summary>
public struct SightingAggregate
{
    public int DayMask { get; set; }

    public int FirstDay { get; set; }

    public int LastDay { get; set; }

    /// <summary>The MSISDN of the latest day that carried one (empty when no sighting did).</summary>
    public PackedDigits Msisdn { get; set; }

    /// <summary>The day <see cref="Msisdn"/> was seen (meaningless while it is empty).</summary>
    public int MsisdnDay { get; set; }
}

/// <summary>What a chunk knows about one IMEI: first and last day, first day on a home-network SIM (<see cref="SightingBuffer.NoDay"/> if none).</summary>
public struct ImeiAggregate
{
    public int FirstDay { get; set; }

    public int LastDay { get; set; }

    public int FirstHomeDay { get; set; }
}

/// <summary>
/// A bounded in-memory aggregate of sightings, keyed as the store is keyed, so that a file's rows
/// reach the database once per (IMEI, IMSI, operator, month) rather than once per row. The merge
/// rules here are the same as the database's (OR the day bits, min/max the days, the MSISDN of the
/// latest day that carried one with a deterministic tie-break), so flushing early or late gives the same result.
/// Days are <see cref="DateOnly.DayNumber"/>s.
/// </summary>
public sealed class SightingBuffer : ISightingChunk
{
    public const int NoDay = int.MaxValue;

    private readonly Dictionary<SightingKey, SightingAggregate> sightings;

    // Kept between flushes so that each chunk does not leave a large-object-heap array behind.
    private readonly List<KeyValuePair<SightingKey, SightingAggregate>> sortedSightings = [];
    private readonly List<KeyValuePair<long, ImeiAggregate>> sortedImeis = [];
    private bool sortedIsCurrent;

    private readonly Identifiers.HomeNetworks homeNetworks;

    /// <param name="capacity">Distinct keys held before <see cref="IsFull"/>.</param>
    /// <param name="homeNetworks">The networks whose SIMs start a registration window.</param>
    public SightingBuffer(int capacity, Identifiers.HomeNetworks homeNetworks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        this.homeNetworks = homeNetworks;
        sightings = new Dictionary<SightingKey, SightingAggregate>(Math.Min(capacity, 1 << 20));
    }

    public int Capacity { get; }

    public int SightingCount => sightings.Count;

    public bool IsEmpty => sightings.Count == 0;

    public bool IsFull => sightings.Count >= Capacity;

    public IReadOnlyDictionary<SightingKey, SightingAggregate> Sightings => sightings;

    public void Add(long imei, PackedDigits imsi, PackedDigits msisdn, int operatorId, DateOnly date)
    {
        sortedIsCurrent = false;
        var day = date.DayNumber;
        var (key, one) = OneDay(imei, imsi, msisdn, operatorId, date);
        var bit = one.DayMask;
        ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(sightings, key, out var exists);
        if (!exists)
        {
            s = one;
        }
        else
        {
            s.DayMask |= bit;
            if (day < s.FirstDay)
            {
                s.FirstDay = day;
            }

            if (IsLaterNumber(day, msisdn, s.MsisdnDay, s.Msisdn))
            {
                s.Msisdn = msisdn;
                s.MsisdnDay = day;
            }

            if (day > s.LastDay)
            {
                s.LastDay = day;
            }
        }
    }

    /// <summary>
    /// Whether the number seen on <paramref name="day"/> replaces the one held (seen on <paramref name="currentDay"/>):
    /// a sighting without a number never does; any number replaces none; a later day wins; on the same day
    /// the greater number (as text) wins. A maximum over (day, number), so the outcome never depends on the
    /// order rows arrive in.
    /// </summary>
    public static bool IsLaterNumber(int day, PackedDigits msisdn, int currentDay, PackedDigits currentMsisdn)
    {
        if (msisdn.IsEmpty)
        {
            return false;
        }

        if (currentMsisdn.IsEmpty)
        {
            return true;
        }

        return day != currentDay ? day > currentDay : msisdn.CompareTo(currentMsisdn) > 0;
    }

    /// <summary>One attach row as a key and the aggregate of that one day.</summary>
    public static KeyValuePair<SightingKey, SightingAggregate> OneDay(long imei, PackedDigits imsi, PackedDigits msisdn, int operatorId, DateOnly date)
    {
        var day = date.DayNumber;
        return new(
            new SightingKey(imei, imsi, operatorId, (date.Year * 100) + date.Month),
            new SightingAggregate { DayMask = 1 << (date.Day - 1), FirstDay = day, LastDay = day, Msisdn = msisdn, MsisdnDay = day });
    }

    /// <summary>Whether the IMSI is of a home network (<c>Registry:HomeNetworks</c>): such a SIM starts the registration window.</summary>
    public bool IsHomeNetwork(PackedDigits imsi) => homeNetworks.IsHome(imsi.Value, imsi.Length);

    public void Clear()
    {
        sightings.Clear();
        sortedIsCurrent = false;
    }

    /// <summary>The sightings in primary-key order, so a chunk walks the B-tree forward. The list is kept until the buffer changes.</summary>
    public List<KeyValuePair<SightingKey, SightingAggregate>> SortedSightings()
    {
        if (sortedIsCurrent)
        {
            return sortedSightings;
        }

        sortedIsCurrent = true;
        sortedSightings.Clear();
        sortedSightings.EnsureCapacity(sightings.Count);
        sortedSightings.AddRange(sightings);
        sortedSightings.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        return sortedSightings;
    }

    /// <summary>
    /// The IMEIs of the chunk in key order, derived from the sightings (each key already holds its
    /// first and last day, so an IMEI's first sighting, last sighting and first home-network sighting
    /// are their min/max), which spares a second hash lookup per row. The list is reused by the next call.
    /// </summary>
    public List<KeyValuePair<long, ImeiAggregate>> SortedImeis()
    {
        sortedImeis.Clear();
        var imei = 0L;
        var current = default(ImeiAggregate);
        var any = false;
        foreach (var (key, s) in SortedSightings())
        {
            if (!any || key.Imei != imei)
            {
                if (any)
                {
                    sortedImeis.Add(new(imei, current));
                }

                any = true;
                imei = key.Imei;
                current = new ImeiAggregate { FirstDay = s.FirstDay, LastDay = s.LastDay, FirstHomeDay = NoDay };
            }

            current.FirstDay = Math.Min(current.FirstDay, s.FirstDay);
            current.LastDay = Math.Max(current.LastDay, s.LastDay);
            if (IsHomeNetwork(key.Imsi))
            {
                current.FirstHomeDay = Math.Min(current.FirstHomeDay, s.FirstDay);
            }
        }

        if (any)
        {
            sortedImeis.Add(new(imei, current));
        }

        return sortedImeis;
    }
}
