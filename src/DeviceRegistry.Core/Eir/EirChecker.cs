namespace DeviceRegistry.Eir;

/// <summary>
/// Answers one attach check from the index and queues it as a sighting of the calling operator.
/// A home SIM on an IMEI never seen on one starts its registration window in the index at once.
/// </summary>
public sealed class EirChecker(
    EirIndex index, EirSettings settings, SightingBatchWriter sightings, TimeProvider clock, Registrations.RegistrationSettings registration)
{
    // The registry's day (Registration:TimeZone, Baku by default), the same day files and enforcement count in.
    private readonly TimeZoneInfo zone = registration.ResolveTimeZone();

    public bool IsReady => index.IsLoaded;

    public EirDecision Check(in EirQuery query, int operatorId)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var decision = EirDecider.Decide(query, index, settings, today);
        if (query.Imsi is null)
        {
            // Sightings are IMEI-SIM pairs: a check without a SUPI has no SIM to record.
            return decision;
        }

        var home = settings.IsHomeImsi(query.Imsi);
        var startedWindow = home && decision.StartsWindow && index.NoteHomeSighting(query.ImeiKey, today);
        sightings.TryRecord(new CheckSighting(query.ImeiKey, query.Imsi, query.Msisdn, operatorId, today, home, startedWindow));
        return decision;
    }
}
