using System.Runtime.CompilerServices;

namespace DeviceRegistry.Eir;

/// <summary>
/// An open-addressing hash table of one <see cref="long"/> per slot: the 14-digit IMEI key plus one
/// (0 marks an empty slot) in bits 0..46, a payload in bits 47..63. Linear probing, capacity not a power
/// of two (the slot is found by multiply-high), so the table can be sized to about 70% load and costs
/// 8 / load bytes per IMEI. Entries are never removed (a cleared entry keeps a zero payload).
/// One writer at a time (the caller serialises writes); readers need no lock: every slot changes
/// with a single aligned 64-bit store, and growth builds a new table that the caller publishes.
/// </summary>
internal sealed class PackedImeiTable
{
    public const int KeyBits = 47;
    public const long KeyMask = (1L << KeyBits) - 1;
    public const double TargetLoad = 0.7;
    public const double MaxLoad = 0.85;
    private const ulong HashMultiplier = 0x9E3779B97F4A7C15UL;

    private readonly long[] slots;

    private PackedImeiTable(int capacity) => slots = new long[capacity];

    public int Count { get; private set; }

    public int Capacity => slots.Length;

    public long SizeInBytes => (long)slots.Length * sizeof(long);

    public static PackedImeiTable WithRoomFor(long expectedCount)
    {
        var capacity = Math.Max(64, (long)Math.Ceiling(expectedCount / TargetLoad));
        if (capacity > Array.MaxLength)
        {
            throw new InvalidOperationException($"The EIR index cannot hold {expectedCount} IMEIs in one table.");
        }

        return new PackedImeiTable((int)capacity);
    }

    /// <summary>The payload stored for an IMEI key, or -1 when the key is absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Find(long imeiKey)
    {
        var slots = this.slots;
        var stored = imeiKey + 1;
        var i = SlotOf(stored, slots.Length);
        while (true)
        {
            var word = Volatile.Read(ref slots[i]);
            if (word == 0)
            {
                return -1;
            }

            if ((word & KeyMask) == stored)
            {
                return (long)((ulong)word >> KeyBits);
            }

            if (++i == slots.Length)
            {
                i = 0;
            }
        }
    }

    /// <summary>Sets an IMEI's payload (17 bits). Returns false, changing nothing, when the table is too full to add it.</summary>
    public bool TrySet(long imeiKey, long payload)
    {
        var stored = imeiKey + 1;
        var word = stored | (payload << KeyBits);
        var i = SlotOf(stored, slots.Length);
        while (true)
        {
            var current = slots[i];
            if (current == 0)
            {
                if (Count + 1 > slots.Length * MaxLoad)
                {
                    return false;
                }

                Volatile.Write(ref slots[i], word);
                Count++;
                return true;
            }

            if ((current & KeyMask) == stored)
            {
                Volatile.Write(ref slots[i], word);
                return true;
            }

            if (++i == slots.Length)
            {
                i = 0;
            }
        }
    }

    /// <summary>A copy with room for <paramref name="expectedCount"/> IMEIs at the target load.</summary>
    public PackedImeiTable Grow(long expectedCount)
    {
        var bigger = WithRoomFor(Math.Max(expectedCount, Count + 1));
        foreach (var word in slots)
        {
            if (word != 0)
            {
                bigger.TrySet((word & KeyMask) - 1, (long)((ulong)word >> KeyBits));
            }
        }

        return bigger;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SlotOf(long stored, int capacity)
    {
        var hash = (ulong)stored * HashMultiplier;
        hash ^= hash >> 29;
        return (int)Math.BigMul(hash, (ulong)capacity, out _);
    }
}
