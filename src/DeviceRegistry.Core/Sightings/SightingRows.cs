using DeviceRegistry.Data;

namespace DeviceRegistry.Sightings;

/// <summary>
/// The store's sightings for readers: the month rows and the rows deferred ingests appended that the roll-up has not
/// folded yet (<see cref="PendingSightings"/>), in one query. A key may come more than once (a month row and pending
/// rows): readers combine days, first and last seen and numbers as the merge would (OR, min, max, the latest number).
/// </summary>
public static class SightingRows
{
    public static IQueryable<SightingRow> Current(RegistryDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Sightings.Select(s => new SightingRow
            {
                Imei = s.Imei, Imsi = s.Imsi, OperatorId = s.OperatorId, Month = s.Month, DayMask = s.DayMask,
                FirstSeen = s.FirstSeen, LastSeen = s.LastSeen, Msisdn = s.Msisdn, MsisdnSeen = s.MsisdnSeen,
            })
            .Concat(db.PendingSightings.Select(p => new SightingRow
            {
                Imei = p.Imei, Imsi = p.Imsi, OperatorId = p.OperatorId, Month = p.Month, DayMask = p.DayMask,
                FirstSeen = p.FirstSeen, LastSeen = p.LastSeen, Msisdn = p.Msisdn, MsisdnSeen = p.MsisdnSeen,
            }));
    }
}
