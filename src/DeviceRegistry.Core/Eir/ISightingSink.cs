namespace DeviceRegistry.Eir;

/// <summary>
/// One attach check as a sighting: the IMEI key, the SIM, the number if sent, the calling operator, the day (UTC),
/// whether the SIM is a home one, and whether the check starts the IMEI's registration window (its first home sighting
/// as the index saw it; the batch then reads the IMEI back).
/// </summary>
public readonly record struct CheckSighting(long Imei, string Imsi, string? Msisdn, int OperatorId, DateOnly Day, bool IsHome, bool StartedWindow = false);

/// <summary>
/// Merges check sightings into the sightings store (sightings and seen_imeis) exactly as file ingest
/// does: day bits OR-ed, first/last seen widened, the first home sighting kept earliest.
/// </summary>
public interface ISightingSink
{
    Task WriteAsync(IReadOnlyList<CheckSighting> batch, CancellationToken ct);
}
