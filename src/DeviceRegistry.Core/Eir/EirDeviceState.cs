namespace DeviceRegistry.Eir;

/// <summary>What the registrations, payments and blocks say about an IMEI (filled by <see cref="IDeviceStatusSource"/>).</summary>
[Flags]
public enum DeviceStatusFlags
{
    None = 0,

    /// <summary>An effective registration (paid, or exempt).</summary>
    Registered = 1,

    /// <summary>A live block for a stolen or lost report.</summary>
    Stolen = 2,

    /// <summary>A live block because the registration window ended unregistered.</summary>
    BlockedNoRegistration = 4,

    /// <summary>Either block.</summary>
    AnyBlock = Stolen | BlockedNoRegistration,
}

/// <summary>
/// Everything the attach decision needs about one IMEI, packed into the 17 payload bits of the
/// index word: bits 0..13 the day the registration window started (first sighting on a home SIM)
/// as days since <see cref="DayZero"/> plus one (0 = never seen on a home SIM), bit 14 registered,
/// bit 15 blocked, bit 16 clone.
/// </summary>
public readonly record struct EirDeviceState(DeviceStatusFlags Status, bool IsClone, DateOnly? FirstHomeSeen)
{
    public static readonly DateOnly DayZero = new(2020, 1, 1);
    public const int MaxDayNumber = (1 << 14) - 2;
    private const long DayMask = (1 << 14) - 1;
    private const long RegisteredBit = 1 << 14;
    private const long BlockedBit = 1 << 15;
    private const long CloneBit = 1 << 16;

    /// <summary>Whether a packed payload has the blocked bit.</summary>
    public static bool IsBlocked(long payload) => (payload & BlockedBit) != 0;

    public bool IsEmpty => Status == DeviceStatusFlags.None && !IsClone && FirstHomeSeen is null;

    public long Pack()
    {
        long payload = 0;
        if (FirstHomeSeen is { } day)
        {
            // Windows that started before day zero are long over; clamping keeps them over.
            var number = Math.Clamp(day.DayNumber - DayZero.DayNumber, 0, MaxDayNumber);
            payload = number + 1;
        }

        if ((Status & DeviceStatusFlags.Registered) != 0)
        {
            payload |= RegisteredBit;
        }

        if ((Status & DeviceStatusFlags.AnyBlock) != 0)
        {
            payload |= BlockedBit;
        }

        if (IsClone)
        {
            payload |= CloneBit;
        }

        return payload;
    }

    /// <summary>The state of a payload; a blocked one reads as blocked for no registration unless <paramref name="blocks"/> says otherwise.</summary>
    public static EirDeviceState Unpack(long payload, DeviceStatusFlags blocks = DeviceStatusFlags.BlockedNoRegistration)
    {
        if (payload <= 0)
        {
            return default;
        }

        var status = DeviceStatusFlags.None;
        if ((payload & RegisteredBit) != 0)
        {
            status |= DeviceStatusFlags.Registered;
        }

        if ((payload & BlockedBit) != 0)
        {
            status |= blocks & DeviceStatusFlags.AnyBlock;
        }

        var day = payload & DayMask;
        DateOnly? firstHome = day == 0 ? null : DateOnly.FromDayNumber(DayZero.DayNumber + (int)day - 1);
        return new EirDeviceState(status, (payload & CloneBit) != 0, firstHome);
    }
}
