using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace DeviceRegistry.Eir;

/// <summary>
/// The in-memory decision index: every IMEI whose attach decision differs from "never seen" in a
/// <see cref="PackedImeiTable"/> (8 bytes per slot), clones' allowed SIMs and the blocks of stolen IMEIs
/// in side tables (both few next to the IMEIs), and the known TACs. Reads take no lock and touch no database; writes are serialised by a lock and
/// published with single 64-bit stores or, when the table grows, by swapping a volatile reference.
/// </summary>
public sealed class EirIndex
{
    private readonly Lock writeLock = new();
    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<long, long[]> allowedPairs = new();

    // The blocks of IMEIs with a stolen report; a blocked IMEI not in here is blocked for no registration.
    private readonly ConcurrentDictionary<long, DeviceStatusFlags> stolenBlocks = new();
    private volatile PackedImeiTable table = PackedImeiTable.WithRoomFor(0);
    private volatile FrozenSet<int>? knownTacs;

    public bool IsLoaded => loaded.Task.IsCompleted;

    /// <summary>Completes when the first full load from the database is in place.</summary>
    public Task WhenLoaded => loaded.Task;

    public int Count => table.Count;

    public long TableBytes => table.SizeInBytes;

    public int CloneCount => allowedPairs.Count;

    public EirDeviceState Get(long imeiKey)
    {
        var payload = table.Find(imeiKey);
        if (payload < 0)
        {
            return default;
        }

        return EirDeviceState.IsBlocked(payload) && stolenBlocks.TryGetValue(imeiKey, out var blocks)
            ? EirDeviceState.Unpack(payload, blocks)
            : EirDeviceState.Unpack(payload);
    }

    /// <summary>What the attach decision needs about an IMEI, as the index knows it.</summary>
    public DeviceState DeviceState(long imeiKey) =>
        new(Get(imeiKey), Identifiers.Imei.IsJunk(new Identifiers.Imei(imeiKey)), TacOf(imeiKey));

    /// <summary>The decision as the index knows the device: the running EIR's answer, without recording anything.</summary>
    public EirDecision Decide(in EirQuery query, AttachDecider decider, Identifiers.HomeNetworks homeNetworks, DateOnly today)
    {
        var device = DeviceState(query.ImeiKey);
        var allowed = device.IsClone && query.Imsi is not null && IsAllowedPair(query.ImeiKey, EirQuery.ImsiCode(query.Imsi));
        return decider.Decide(device, AttachDecider.Sim(query.Imsi, homeNetworks, allowed), today);
    }

    private TacStanding TacOf(long imeiKey)
    {
        var tacs = knownTacs;
        if (tacs is not { Count: > 0 })
        {
            return TacStanding.NoTacDatabase;
        }

        return tacs.Contains(new Identifiers.Imei(imeiKey).Tac) ? TacStanding.Known : TacStanding.Unknown;
    }

    /// <summary>Whether this SIM is one of the pairs allowed to keep attaching on a clone IMEI.</summary>
    public bool IsAllowedPair(long imeiKey, long imsiCode) =>
        allowedPairs.TryGetValue(imeiKey, out var imsis) && Array.BinarySearch(imsis, imsiCode) >= 0;

    /// <summary>Replaces the whole content (the start-up load). The first call marks the index loaded.</summary>
    public void Load(IndexSnapshot snapshot)
    {
        lock (writeLock)
        {
            table = snapshot.Table;
            allowedPairs.Clear();
            foreach (var (imei, imsis) in snapshot.AllowedPairs)
            {
                allowedPairs[imei] = imsis;
            }

            stolenBlocks.Clear();
            foreach (var (imei, blocks) in snapshot.StolenBlocks)
            {
                stolenBlocks[imei] = blocks;
            }

            knownTacs = snapshot.KnownTacs;
        }

        loaded.TrySetResult();
    }

    /// <summary>Replaces what is known about one IMEI (a change read from the database).</summary>
    public void Set(long imeiKey, EirDeviceState state, IReadOnlyCollection<long>? allowedImsis)
    {
        lock (writeLock)
        {
            SetLocked(imeiKey, state);
            if (state.IsClone)
            {
                allowedPairs[imeiKey] = ToSortedArray(allowedImsis);
            }
            else
            {
                allowedPairs.TryRemove(imeiKey, out _);
            }
        }
    }

    /// <summary>
    /// Records that a home SIM was seen on the IMEI today (an attach check), starting its registration
    /// window unless one started earlier. Returns true when this is the IMEI's first home sighting.
    /// </summary>
    public bool NoteHomeSighting(long imeiKey, DateOnly day)
    {
        lock (writeLock)
        {
            var state = Get(imeiKey);
            if (state.FirstHomeSeen is { } first && first <= day)
            {
                return false;
            }

            SetLocked(imeiKey, state with { FirstHomeSeen = day });
            return state.FirstHomeSeen is null;
        }
    }

    public void SetKnownTacs(IEnumerable<int> tacs)
    {
        knownTacs = tacs.ToFrozenSet();
    }

    internal static long[] ToSortedArray(IReadOnlyCollection<long>? imsis)
    {
        if (imsis is null || imsis.Count == 0)
        {
            return [];
        }

        var array = imsis.Distinct().ToArray();
        Array.Sort(array);
        return array;
    }

    private void SetLocked(long imeiKey, EirDeviceState state)
    {
        // The side table first: a reader that finds the blocked bit must find the block kinds beside it.
        if ((state.Status & DeviceStatusFlags.Stolen) != 0)
        {
            stolenBlocks[imeiKey] = state.Status & DeviceStatusFlags.AnyBlock;
        }
        else
        {
            stolenBlocks.TryRemove(imeiKey, out _);
        }

        var current = table;
        if (!current.TrySet(imeiKey, state.Pack()))
        {
            var bigger = current.Grow(current.Count + 1);
            bigger.TrySet(imeiKey, state.Pack());
            table = bigger;
        }
    }

    /// <summary>A fully built index content, made off to the side and swapped in at once.</summary>
    public sealed class IndexSnapshot
    {
        private PackedImeiTable table;

        public IndexSnapshot(long expectedCount) => table = PackedImeiTable.WithRoomFor(expectedCount);

        internal PackedImeiTable Table => table;

        public Dictionary<long, long[]> AllowedPairs { get; } = [];

        public Dictionary<long, DeviceStatusFlags> StolenBlocks { get; } = [];

        public FrozenSet<int>? KnownTacs { get; set; }

        public int Count => table.Count;

        public EirDeviceState Get(long imeiKey)
        {
            var payload = table.Find(imeiKey);
            if (payload < 0)
            {
                return default;
            }

            return EirDeviceState.IsBlocked(payload) && StolenBlocks.TryGetValue(imeiKey, out var blocks)
                ? EirDeviceState.Unpack(payload, blocks)
                : EirDeviceState.Unpack(payload);
        }

        public void Set(long imeiKey, EirDeviceState state)
        {
            if ((state.Status & DeviceStatusFlags.Stolen) != 0)
            {
                StolenBlocks[imeiKey] = state.Status & DeviceStatusFlags.AnyBlock;
            }
            else
            {
                StolenBlocks.Remove(imeiKey);
            }

            if (!table.TrySet(imeiKey, state.Pack()))
            {
                table = table.Grow((long)(table.Count * 1.5) + 1);
                table.TrySet(imeiKey, state.Pack());
            }
        }
    }
}
