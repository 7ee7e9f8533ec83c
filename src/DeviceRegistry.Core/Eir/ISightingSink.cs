namespace DeviceRegistry.Eir;

/// <summary>
/// One attach check as a sighting: the IMEI key, the SIM, the number if sent, the calling operator, the day (UTC),
/// whether the SIM is a home one, and whether the check starts the IMEI's registration window (its first home sighting
/// as the index saw it; the batch then reads the IMEI back).
/// </summary>
public readonly record struct CheckSighting(long Imei, string Imsi, string? Msisdn, int OperatorId, DateOnly Day, bool IsHome, bool StartedWindow = false);

/// <summary>
/// Writes check sightings to the sightings store as file ingest does: merged at once (sightings and seen_imeis: day bits
/// OR-ed, first/last seen widened, the first home sighting kept earliest), or, with Sightings:DeferMerge, appended to
/// sightings_pending for the roll-up, which merges them the same way.
/// </summary>
public interface ISightingSink
{
    /// <summary>True when the batch was merged (its window starts can be read back now); false when it was appended for the roll-up.</summary>
    Task<bool> WriteAsync(IReadOnlyList<CheckSighting> batch, CancellationToken ct);
}
