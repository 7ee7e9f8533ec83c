namespace DeviceRegistry.Eir;

/// <summary>The equipment status of TS 29.511, plus "unknown" (answered as 404 ERROR_EQUIPMENT_UNKNOWN).</summary>
public enum EquipmentStatus
{
    Whitelisted,
    Blacklisted,
    Greylisted,
    Unknown,
}

/// <summary>Which rule gave the answer (for logs, the CLI and tests; never sent to the network).</summary>
public enum EirReason
{
    Blocked,
    CloneAllowedSim,
    CloneOtherSim,
    CloneWithoutSupi,
    InvalidImei,
    UnknownTac,
    Roaming,
    Registered,
    InsideWindow,
    WindowOver,
    FirstSighting,
    NeverSeen,
}

/// <summary>One attach check after parsing: the IMEI key and, when sent, the SIM.</summary>
public readonly record struct EirQuery(long ImeiKey, string? Imsi, string? Msisdn)
{
    /// <summary>The IMSI as one exact number: its length times 10^15 plus its value, so leading zeros count.</summary>
    public static long ImsiCode(ReadOnlySpan<char> imsi)
    {
        long value = 0;
        foreach (var c in imsi)
        {
            value = (value * 10) + (c - '0');
        }

        return (imsi.Length * 1_000_000_000_000_000L) + value;
    }
}

public readonly record struct EirDecision(EquipmentStatus Status, EirReason Reason, bool StartsWindow);

/// <summary>
/// The attach decision, in this order (docs/eir.md has the table): blocked; clone (allowed SIM or not);
/// junk IMEI; unknown TAC; roaming SIM; registered; registration window (inside or over); first home
/// sighting; never seen. Reads only the index.
/// </summary>
public static class EirDecider
{
    public static EirDecision Decide(in EirQuery query, EirIndex index, EirSettings settings, DateOnly today)
    {
        var state = index.Get(query.ImeiKey);
        if ((state.Status & DeviceStatusFlags.Blocked) != 0)
        {
            return new(EquipmentStatus.Blacklisted, EirReason.Blocked, false);
        }

        if (state.IsClone)
        {
            if (query.Imsi is null)
            {
                return Policy(settings.CloneWithoutSupi, EirReason.CloneWithoutSupi) ?? new(EquipmentStatus.Blacklisted, EirReason.CloneWithoutSupi, false);
            }

            return index.IsAllowedPair(query.ImeiKey, EirQuery.ImsiCode(query.Imsi))
                ? new(EquipmentStatus.Whitelisted, EirReason.CloneAllowedSim, false)
                : new(EquipmentStatus.Blacklisted, EirReason.CloneOtherSim, false);
        }

        var imei = new Identifiers.Imei(query.ImeiKey);
        if (Identifiers.Imei.IsJunk(imei) && Policy(settings.InvalidImei, EirReason.InvalidImei) is { } invalid)
        {
            return invalid;
        }

        if (index.HasTacDatabase && !index.IsKnownTac(imei.Tac) && Policy(settings.UnknownTac, EirReason.UnknownTac) is { } unknownTac)
        {
            return unknownTac;
        }

        var home = query.Imsi is not null && settings.IsHomeImsi(query.Imsi);
        if (query.Imsi is not null && !home && Policy(settings.Roaming, EirReason.Roaming) is { } roaming)
        {
            return roaming;
        }

        if ((state.Status & DeviceStatusFlags.Registered) != 0)
        {
            return new(EquipmentStatus.Whitelisted, EirReason.Registered, false);
        }

        if (state.FirstHomeSeen is { } first)
        {
            // The window holds WindowDays days, the first sighting's day included.
            return today.DayNumber - first.DayNumber < settings.WindowDays
                ? new(EquipmentStatus.Greylisted, EirReason.InsideWindow, false)
                : new(EquipmentStatus.Blacklisted, EirReason.WindowOver, false);
        }

        if (home)
        {
            return new(EquipmentStatus.Greylisted, EirReason.FirstSighting, true);
        }

        return Policy(settings.NeverSeen, EirReason.NeverSeen) ?? new(EquipmentStatus.Unknown, EirReason.NeverSeen, false);
    }

    private static EirDecision? Policy(EirPolicyAnswer answer, EirReason reason) => answer switch
    {
        EirPolicyAnswer.Whitelisted => new(EquipmentStatus.Whitelisted, reason, false),
        EirPolicyAnswer.Greylisted => new(EquipmentStatus.Greylisted, reason, false),
        EirPolicyAnswer.Blacklisted => new(EquipmentStatus.Blacklisted, reason, false),
        EirPolicyAnswer.Unknown => new(EquipmentStatus.Unknown, reason, false),
        _ => null,
    };
}
