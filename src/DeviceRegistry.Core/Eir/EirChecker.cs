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

    // The registry's day for the current UTC minute (a zone's day only turns on a minute boundary), so a
    // check converts time zones once a minute rather than every time.
    private DayOfMinute? cachedDay;

    public bool IsReady => index.IsLoaded;

    public EirDecision Check(in EirQuery query, int operatorId)
    {
        var today = Today();
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

    private DateOnly Today()
    {
        var now = clock.GetUtcNow();
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        var cached = Volatile.Read(ref cachedDay);
        if (cached is not null && cached.Minute == minute)
        {
            return cached.Day;
        }

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        Volatile.Write(ref cachedDay, new DayOfMinute(minute, day));
        return day;
    }

    private sealed record DayOfMinute(long Minute, DateOnly Day);
}
