namespace DeviceRegistry.Eir;

/// <summary>What the registrations, payments and blocks say about an IMEI (filled by <see cref="IDeviceStatusSource"/>).</summary>
[Flags]
public enum DeviceStatusFlags
{
    None = 0,

    /// <summary>Registered (and paid, where the registration rules ask for it): whitelisted.</summary>
    Registered = 1,

    /// <summary>Reported stolen or blocked (e.g. for no registration): blacklisted.</summary>
    Blocked = 2,
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

        if ((Status & DeviceStatusFlags.Blocked) != 0)
        {
            payload |= BlockedBit;
        }

        if (IsClone)
        {
            payload |= CloneBit;
        }

        return payload;
    }

    public static EirDeviceState Unpack(long payload)
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
            status |= DeviceStatusFlags.Blocked;
        }

        var day = payload & DayMask;
        DateOnly? firstHome = day == 0 ? null : DateOnly.FromDayNumber(DayZero.DayNumber + (int)day - 1);
        return new EirDeviceState(status, (payload & CloneBit) != 0, firstHome);
    }
}
