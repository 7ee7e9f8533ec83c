namespace DeviceRegistry.Eir;

/// <summary>
/// Remembers, in a fixed direct-mapped table of 64-bit fingerprints, the check sightings queued lately
/// (IMEI, IMSI, MSISDN, operator, day). A phone attaches many times a day with the same SIM; the store
/// keeps one day bit for all of them, so a repeat need not be written again. Forgetting is safe (a
/// forgotten repeat is written once more and merges to the same row); only two different sightings with
/// the same 64-bit fingerprint could skip one, which is negligible at these sizes. Lock-free: a torn
/// race between two checks only costs a redundant write.
/// </summary>
public sealed class RepeatSightingFilter
{
    private readonly ulong[] slots;
    private readonly int mask;

    public RepeatSightingFilter(int slotsPowerOfTwo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPowerOfTwo, 1);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)slotsPowerOfTwo);
        slots = new ulong[size];
        mask = size - 1;
    }

    /// <summary>True when exactly this sighting was queued lately and is still remembered.</summary>
    public bool IsRepeat(in CheckSighting sighting, out ulong fingerprint)
    {
        fingerprint = Fingerprint(sighting);
        return Volatile.Read(ref slots[(int)(fingerprint & (ulong)mask)]) == fingerprint;
    }

    public void Remember(ulong fingerprint) => Volatile.Write(ref slots[(int)(fingerprint & (ulong)mask)], fingerprint);

    public static ulong Fingerprint(in CheckSighting s)
    {
        var h = Mix(((ulong)s.Imei * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)s.OperatorId << 32) ^ (uint)s.Day.DayNumber);
        h = Mix(h ^ Hash(s.Imsi));
        if (s.Msisdn is { } msisdn)
        {
            h = Mix(h ^ Hash(msisdn) ^ 0xA5A5A5A5UL);
        }

        return h | 1; // 0 marks an empty slot
    }

    // FNV-1a over the digits: stable across processes, unlike string.GetHashCode.
    private static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        return x ^ (x >> 33);
    }
}
