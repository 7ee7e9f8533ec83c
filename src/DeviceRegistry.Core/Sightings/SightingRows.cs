using DeviceRegistry.Data;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Sightings;

/// <summary>
/// The store's sightings of some IMEIs for readers: their month rows and the rows deferred ingests appended that the
/// roll-up has not folded yet (<see cref="PendingSightings"/>), each pending row read as a month row holding its one
/// day. A key may come more than once (a month row and pending rows): readers combine days, first and last seen and
/// numbers as the merge would (OR, min, max, the latest number).
/// </summary>
public static class SightingRows
{
    public static async Task<List<SightingRow>> OfImeisAsync(RegistryDbContext db, IReadOnlyCollection<long> imeis, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = new List<SightingRow>(await db.Sightings.AsNoTracking().Where(s => imeis.Contains(s.Imei)).ToListAsync(ct));
        foreach (var p in await db.PendingSightings.AsNoTracking().Where(p => imeis.Contains(p.Imei)).ToListAsync(ct))
        {
            rows.Add(new SightingRow
            {
                Imei = p.Imei, Imsi = p.Imsi, OperatorId = p.OperatorId, Month = (p.Day.Year * 100) + p.Day.Month, DayMask = 1 << (p.Day.Day - 1),
                FirstSeen = p.Day, LastSeen = p.Day, Msisdn = p.Msisdn, MsisdnSeen = p.Msisdn is null ? null : p.Day,
            });
        }

        return rows;
    }
}
