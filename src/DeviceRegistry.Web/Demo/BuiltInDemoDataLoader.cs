using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Web.Demo;

/// <summary>
/// A small hand-made demo set, dated relative to today: a few TACs, a device inside its registration
/// window, one whose window ran out, a clone with its evidence and allowed SIMs, a device seen only
/// with a foreign SIM, and a known model never seen. The generated data set (demo + ingest + detect)
/// replaces it once those features are merged.
/// </summary>
internal sealed class BuiltInDemoDataLoader(RegistryDbContext db, TimeProvider clock) : IDemoDataLoader
{
    public static readonly Imei InWindow = new(35761300444848);
    public static readonly Imei WindowOver = new(35293600134977);
    public static readonly Imei Clone = new(49015420323751);
    public static readonly Imei RoamingOnly = new(26053179311383);
    public static readonly Imei NeverSeen = new(86720604123456);

    private const int ClonePeriodDays = 120;
    private const string DemoRule = "demo-distinct-imsis";

    public async Task<IReadOnlyList<DemoImei>> LoadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        db.Tacs.AddRange(
            new TacModel { Tac = 35761300, Brand = "Samsung", Model = "Galaxy A54 5G", MarketingName = "Galaxy A54 5G", Manufacturer = "Samsung Korea", DeviceType = "Smartphone" },
            new TacModel { Tac = 35293600, Brand = "Apple", Model = "iPhone 13", MarketingName = "iPhone 13", Manufacturer = "Apple Inc", DeviceType = "Smartphone" },
            new TacModel { Tac = 49015420, Brand = "Xiaomi", Model = "Redmi Note 12", MarketingName = "Redmi Note 12", Manufacturer = "Xiaomi Communications Co Ltd", DeviceType = "Smartphone" },
            new TacModel { Tac = 26053179, Brand = "Huawei", Model = "nova 11", MarketingName = "nova 11", Manufacturer = "Huawei Technologies Co Ltd", DeviceType = "Smartphone" },
            new TacModel { Tac = 86720604, Brand = "Nokia", Model = "105 4G", MarketingName = "Nokia 105 4G", Manufacturer = "HMD Global Oy", DeviceType = "Mobile Phone/Feature phone" });

        var azercell = new Operator { Name = "Azercell", CreatedAt = now };
        var bakcell = new Operator { Name = "Bakcell", CreatedAt = now };
        var nar = new Operator { Name = "Nar", CreatedAt = now };
        db.Operators.AddRange(azercell, bakcell, nar);
        await db.SaveChangesAsync(ct);

        var days = new List<DaySighting>();
        AddDaily(days, InWindow, "400011000000001", "994501000001", azercell.Id, today.AddDays(-12), today.AddDays(-1));
        AddDaily(days, WindowOver, "400021000000002", "994551000002", bakcell.Id, today.AddDays(-75), today.AddDays(-1));
        AddDaily(days, RoamingOnly, "250011000000009", null, nar.Id, today.AddDays(-5), today.AddDays(-1));

        // The clone: its genuine owner every day for half a year, then copies with other SIMs on
        // overlapping days across operators, as detection sees them.
        AddDaily(days, Clone, "400011234500001", "994501234501", azercell.Id, today.AddDays(-180), today.AddDays(-1));
        for (var copy = 0; copy < 11; copy++)
        {
            var operatorId = copy % 3 == 0 ? azercell.Id : copy % 3 == 1 ? bakcell.Id : nar.Id;
            var mnc = copy % 3 == 0 ? "01" : copy % 3 == 1 ? "02" : "04";
            var imsi = $"400{mnc}77000{copy:D5}";
            var start = today.AddDays(-60 + (copy * 5));
            for (var day = start; day < start.AddDays(8) && day < today; day = day.AddDays(2))
            {
                days.Add(new DaySighting(Clone, imsi, $"99470{copy:D7}", operatorId, day));
            }
        }

        AddSightings(days);
        db.SeenImeis.AddRange(
            Seen(days, InWindow, home: true),
            Seen(days, WindowOver, home: true),
            Seen(days, RoamingOnly, home: false),
            Seen(days, Clone, home: true));

        var asOf = today.AddDays(-1);
        var periodStart = asOf.AddDays(-(ClonePeriodDays - 1));
        var cloneDays = days.Where(d => d.Imei == Clone && d.Day >= periodStart && d.Day <= asOf).ToList();
        var perDay = cloneDays.GroupBy(d => d.Day).Select(g => g.Select(d => d.Imsi).Distinct().Count()).ToList();
        var overlapDays = perDay.Count(n => n >= 2);
        db.Set<CloneStatus>().Add(new CloneStatus
        {
            Imei = Clone.Key,
            Status = CloneStatusValues.Clone,
            Since = today.AddDays(-3),
            Rule = DemoRule,
            DistinctImsis = cloneDays.Select(d => d.Imsi).Distinct().Count(),
            DaysSeen = perDay.Count,
            OverlapDays = overlapDays,
            OverlapShare = (double)overlapDays / perDay.Count,
            FirstSeen = cloneDays.Min(d => d.Day),
            LastSeen = cloneDays.Max(d => d.Day),
            GenuineImsi = days.Where(d => d.Imei == Clone).MinBy(d => d.Day)!.Imsi,
            AsOf = asOf,
            UpdatedAt = now,
        });
        db.Set<CloneStatusChange>().Add(new CloneStatusChange
        {
            Imei = Clone.Key, Status = CloneStatusValues.Clone, AsOf = today.AddDays(-3), ChangedAt = now,
            Rule = DemoRule, Reason = "demo data set",
        });
        db.Set<CloneAllowedPair>().AddRange(days.Where(d => d.Imei == Clone).Select(d => d.Imsi).Distinct()
            .Select(imsi => new CloneAllowedPair { Imei = Clone.Key, Imsi = imsi, Since = today.AddDays(-3) }));
        db.ImeiChanges.Add(new ImeiChange { Imei = Clone.Key, Source = "clones", ChangedAt = now });

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        return Showcase;
    }

    public async Task<IReadOnlyList<DemoImei>> FindLoadedAsync(CancellationToken ct)
    {
        var key = Clone.Key;
        var loaded = await db.Set<CloneStatus>().AnyAsync(c => c.Imei == key && c.Rule == DemoRule, ct);
        return loaded ? Showcase : [];
    }

    private static IReadOnlyList<DemoImei> Showcase =>
    [
        new(Clone.WithCheckDigit, "clone", "a clone: copied to other devices (Xiaomi Redmi Note 12)"),
        new(InWindow.WithCheckDigit, "in_registration_window", "inside its registration window (Samsung Galaxy A54 5G)"),
        new(WindowOver.WithCheckDigit, "blocked_unregistered", "blocked: not registered within the window (Apple iPhone 13)"),
        new(RoamingOnly.WithCheckDigit, "roaming_only", "seen only with a foreign SIM (Huawei nova 11)"),
        new(NeverSeen.WithCheckDigit, "never_seen", "never seen on the network (Nokia 105 4G)"),
    ];

    private static void AddDaily(List<DaySighting> days, Imei imei, string imsi, string? msisdn, int operatorId, DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            days.Add(new DaySighting(imei, imsi, msisdn, operatorId, day));
        }
    }

    /// <summary>One row per IMEI, IMSI, operator and month with the day bitmask, as ingest stores them.</summary>
    private void AddSightings(List<DaySighting> days)
    {
        foreach (var month in days.GroupBy(d => (d.Imei, d.Imsi, d.OperatorId, Month: (d.Day.Year * 100) + d.Day.Month)))
        {
            var mask = month.Aggregate(0, (m, d) => m | (1 << (d.Day.Day - 1)));
            db.Sightings.Add(new Sighting
            {
                Imei = month.Key.Imei.Key,
                Imsi = month.Key.Imsi,
                OperatorId = month.Key.OperatorId,
                Month = month.Key.Month,
                DayMask = mask,
                FirstSeen = month.Min(d => d.Day),
                LastSeen = month.Max(d => d.Day),
                Msisdn = month.MaxBy(d => d.Day)!.Msisdn,
            });
        }
    }

    private static SeenImei Seen(List<DaySighting> days, Imei imei, bool home)
    {
        var mine = days.Where(d => d.Imei == imei).ToList();
        var first = mine.Min(d => d.Day);
        return new SeenImei { Imei = imei.Key, FirstSeen = first, LastSeen = mine.Max(d => d.Day), FirstHomeSeen = home ? first : null };
    }

    private sealed record DaySighting(Imei Imei, string Imsi, string? Msisdn, int OperatorId, DateOnly Day);
}
