using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;

namespace DeviceRegistry.Eir;

/// <summary>The equipment status of TS 29.511, plus "unknown" (answered as 404 ERROR_EQUIPMENT_UNKNOWN).</summary>
public enum EquipmentStatus
{
    Whitelisted,
    Blacklisted,
    Greylisted,
    Unknown,
}

/// <summary>The words of TS 29.511 for a decision: the 200 status, or the 404 cause for unknown equipment.</summary>
public static class EquipmentStatusWords
{
    public const string Whitelisted = "WHITELISTED";
    public const string Blacklisted = "BLACKLISTED";
    public const string Greylisted = "GREYLISTED";
    public const string EquipmentUnknownCause = "ERROR_EQUIPMENT_UNKNOWN";

    public static string Of(EquipmentStatus status) => status switch
    {
        EquipmentStatus.Whitelisted => Whitelisted,
        EquipmentStatus.Greylisted => Greylisted,
        EquipmentStatus.Blacklisted => Blacklisted,
        _ => EquipmentUnknownCause,
    };
}

/// <summary>Which rule gave the answer (for logs, the CLI and tests; never sent to the network).</summary>
public enum EirReason
{
    Stolen,
    NoRegistrationBlock,
    WindowOver,
    CloneAllowedSim,
    CloneOtherSim,
    CloneWithoutSupi,
    InvalidImei,
    UnknownTac,
    Roaming,
    Registered,
    InsideWindow,
    FirstSighting,
    NeverSeen,
}

/// <summary>Whether the IMEI's TAC is in the loaded GSMA TAC database (no database loaded: the unknown-TAC policy cannot apply).</summary>
public enum TacStanding
{
    NoTacDatabase,
    Known,
    Unknown,
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

/// <summary>
/// Everything the attach decision knows about one IMEI: what the registrations, blocks, clone verdicts and
/// sightings say (<see cref="Stored"/>, the part the EIR index keeps), whether the number is a junk pattern,
/// and whether its TAC is known. Built by the EIR index and by the database status query alike.
/// </summary>
public readonly record struct DeviceState(EirDeviceState Stored, bool JunkImei, TacStanding Tac)
{
    public bool Registered => (Stored.Status & DeviceStatusFlags.Registered) != 0;

    public bool Stolen => (Stored.Status & DeviceStatusFlags.Stolen) != 0;

    public bool BlockedForNoRegistration => (Stored.Status & DeviceStatusFlags.BlockedNoRegistration) != 0;

    public bool IsClone => Stored.IsClone;

    /// <summary>The first sighting on a home SIM: the day the registration window started.</summary>
    public DateOnly? WindowStart => Stored.FirstHomeSeen;
}

/// <summary>The SIM of a check: whether a SUPI was sent, whether it is a home SIM, and whether it is one of a clone's allowed pairs.</summary>
public readonly record struct CheckedSim(bool Present, bool Home, bool AllowedOnClone)
{
    public static CheckedSim None => default;
}

public readonly record struct EirDecision(EquipmentStatus Status, EirReason Reason, bool StartsWindow);

/// <summary>
/// The attach decision: one pure function from a device's state, the checked SIM, the day and the policy
/// settings to the answer and its reason. The EIR, <c>devreg check</c>, the public check and the back office
/// all call it; the order of the rules is documented in docs/eir.md.
/// </summary>
public sealed class AttachDecider(EirSettings policy, RegistrationSettings registration)
{
    public int WindowDays => registration.WindowDays;

    public EirDecision Decide(in DeviceState device, in CheckedSim sim, DateOnly today)
    {
        // 1. A stolen or lost report blocks every SIM, registered or not, clone or not.
        if (device.Stolen)
        {
            return new(EquipmentStatus.Blacklisted, EirReason.Stolen, false);
        }

        // 2. No registration within the window: the IMEI is blocked for every SIM. The same answer whether
        //    the daily enforcement has recorded the block yet or not. A clone's allowed pairs are exempt
        //    from the clone verdict only, not from registration; an effective registration ends both.
        if (!device.Registered)
        {
            if (device.BlockedForNoRegistration)
            {
                return new(EquipmentStatus.Blacklisted, EirReason.NoRegistrationBlock, false);
            }

            if (device.WindowStart is { } start && registration.IsWindowOver(start, today))
            {
                return new(EquipmentStatus.Blacklisted, EirReason.WindowOver, false);
            }
        }

        // 3. A clone keeps working only with the SIMs already on it.
        if (device.IsClone)
        {
            if (!sim.Present)
            {
                return Policy(policy.CloneWithoutSupi, EirReason.CloneWithoutSupi) ?? new(EquipmentStatus.Blacklisted, EirReason.CloneWithoutSupi, false);
            }

            return sim.AllowedOnClone
                ? new(EquipmentStatus.Whitelisted, EirReason.CloneAllowedSim, false)
                : new(EquipmentStatus.Blacklisted, EirReason.CloneOtherSim, false);
        }

        // 4. Numbers no real device carries, and TACs the GSMA never allocated (both per policy).
        if (device.JunkImei && Policy(policy.InvalidImei, EirReason.InvalidImei) is { } invalid)
        {
            return invalid;
        }

        if (device.Tac == TacStanding.Unknown && Policy(policy.UnknownTac, EirReason.UnknownTac) is { } unknownTac)
        {
            return unknownTac;
        }

        // 5. Visitors: the registration rules apply to home-network SIMs.
        if (sim.Present && !sim.Home && Policy(policy.Roaming, EirReason.Roaming) is { } roaming)
        {
            return roaming;
        }

        if (device.Registered)
        {
            return new(EquipmentStatus.Whitelisted, EirReason.Registered, false);
        }

        // 6. Inside the window (step 2 answered the windows that are over).
        if (device.WindowStart is not null)
        {
            return new(EquipmentStatus.Greylisted, EirReason.InsideWindow, false);
        }

        // 7. Never seen on a home SIM: a home SIM starts the window now; anything else is unknown equipment by default.
        if (sim.Present && sim.Home)
        {
            return new(EquipmentStatus.Greylisted, EirReason.FirstSighting, true);
        }

        return Policy(policy.NeverSeen, EirReason.NeverSeen) ?? new(EquipmentStatus.Unknown, EirReason.NeverSeen, false);
    }

    /// <summary>A plain-language reason, for <c>devreg check</c> and the back office.</summary>
    public string Describe(EirDecision decision, in DeviceState device, DateOnly today) => decision.Reason switch
    {
        EirReason.Stolen => "reported stolen or lost",
        EirReason.NoRegistrationBlock => "blocked: the registration window ended unregistered",
        EirReason.WindowOver => "the registration window ended unregistered (blocked at the next enforcement run)",
        EirReason.CloneAllowedSim => "clone IMEI, but this SIM is one of its allowed pairs",
        EirReason.CloneOtherSim => "clone IMEI: this SIM is not one of its allowed pairs",
        EirReason.CloneWithoutSupi => "clone IMEI checked without a SIM: only its allowed pairs may attach",
        EirReason.InvalidImei => "a junk IMEI pattern no real device carries",
        EirReason.UnknownTac => "the TAC is not in the GSMA TAC database",
        EirReason.Roaming => "foreign SIM (roaming): the registration rules apply to home-network SIMs",
        EirReason.Registered => "registered",
        EirReason.InsideWindow => $"unregistered, day {RegistrationSettings.DayOfWindow(device.WindowStart!.Value, today)} of {registration.WindowDays} of the registration window",
        EirReason.FirstSighting => "first use with a home-network SIM: the registration window starts today",
        EirReason.NeverSeen => "never seen with a home-network SIM and not registered",
        _ => decision.Reason.ToString(),
    };

    private static EirDecision? Policy(EirPolicyAnswer answer, EirReason reason) => answer switch
    {
        EirPolicyAnswer.Whitelisted => new(EquipmentStatus.Whitelisted, reason, false),
        EirPolicyAnswer.Greylisted => new(EquipmentStatus.Greylisted, reason, false),
        EirPolicyAnswer.Blacklisted => new(EquipmentStatus.Blacklisted, reason, false),
        EirPolicyAnswer.Unknown => new(EquipmentStatus.Unknown, reason, false),
        _ => null,
    };

    /// <summary>The facts of a checked SIM against a device (home from <c>Registry:HomeNetworks</c>; allowed pairs only matter on a clone).</summary>
    public static CheckedSim Sim(string? imsi, HomeNetworks homeNetworks, bool allowedOnClone) =>
        imsi is null ? CheckedSim.None : new CheckedSim(true, homeNetworks.IsHome(imsi), allowedOnClone);
}
