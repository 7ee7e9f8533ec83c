namespace DeviceRegistry.Data;

/// <summary>A mobile operator that sends attach logs and asks attach checks.</summary>
public sealed class Operator
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>PBKDF2 hash of the API secret, or null until <c>devreg operator add</c> issued one.</summary>
    public string? SecretHash { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>The columns of a month row of sightings (<see cref="Sighting"/>), as readers get them with the pending rows of deferred ingests read the same way (<see cref="Sightings.SightingRows"/>).</summary>
public class SightingRow
{
    public long Imei { get; set; }

    public required string Imsi { get; set; }

    public int OperatorId { get; set; }

    /// <summary>The month as yyyymm, e.g. 202605.</summary>
    public int Month { get; set; }

    public int DayMask { get; set; }

    public DateOnly FirstSeen { get; set; }

    public DateOnly LastSeen { get; set; }

    /// <summary>The MSISDN of the month's latest day that carried one (a sighting without a number never erases it).</summary>
    public string? Msisdn { get; set; }

    /// <summary>The day <see cref="Msisdn"/> was seen; set exactly when it is.</summary>
    public DateOnly? MsisdnSeen { get; set; }
}

/// <summary>
/// One IMEI-IMSI pair seen through one operator in one calendar month: a day bitmask
/// (bit d-1 set = seen on day d) with first and last seen. Files merge in by OR-ing the masks,
/// so loading the same data twice changes nothing.
/// </summary>
public sealed class Sighting : SightingRow;

/// <summary>
/// An attach row a deferred ingest appended (sightings_pending) that the roll-up has not folded into <see cref="Sighting"/>
/// yet: one day of one IMEI-IMSI pair through one operator, no key (several rows may hold the same). Read through
/// <see cref="Sightings.SightingRows.OfImeisAsync"/>, as the month row it will become part of.
/// </summary>
public sealed class PendingSighting
{
    public long Imei { get; set; }

    public required string Imsi { get; set; }

    public int OperatorId { get; set; }

    public DateOnly Day { get; set; }

    /// <summary>The number the row carried, if any.</summary>
    public string? Msisdn { get; set; }
}

/// <summary>Every IMEI ever seen, with the first sighting on a home-network SIM (the registration window starts there).</summary>
public sealed class SeenImei
{
    public long Imei { get; set; }

    public DateOnly FirstSeen { get; set; }

    public DateOnly LastSeen { get; set; }

    public DateOnly? FirstHomeSeen { get; set; }
}

/// <summary>One run of <c>devreg ingest</c> over one file: the audit trail of what came in.</summary>
public sealed class IngestRun
{
    public long Id { get; set; }

    public required string FileName { get; set; }

    public required string Sha256 { get; set; }

    public string? OperatorName { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime FinishedAt { get; set; }

    public long TotalRows { get; set; }

    public long BadRows { get; set; }

    public bool Accepted { get; set; }

    public string? Message { get; set; }
}

/// <summary>A type allocation code from the GSMA TAC database.</summary>
public sealed class TacModel
{
    public int Tac { get; set; }

    public string? Brand { get; set; }

    public string? Model { get; set; }

    public string? MarketingName { get; set; }

    public string? Manufacturer { get; set; }

    public string? DeviceType { get; set; }
}

/// <summary>
/// An append-only log of IMEIs whose decision changed (clone verdict, registration, payment, block).
/// Whoever changes a decision adds a row in the same transaction; the EIR decision index polls it.
/// </summary>
public sealed class ImeiChange
{
    public long Id { get; set; }

    public long Imei { get; set; }

    /// <summary>What changed it, e.g. "clones", "registration", "payment", "enforcement".</summary>
    public required string Source { get; set; }

    public DateTime ChangedAt { get; set; }
}
