using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Web;

/// <summary>Rows for the public-check tests, written straight into a test database.</summary>
internal static class WebTestData
{
    // "Today" as the registry counts it (Registry:TimeZone, Baku by default), not the UTC date.
    public static DateOnly Today => new DeviceRegistry.Infrastructure.RegistryClock(TimeProvider.System, new DeviceRegistry.Infrastructure.RegistrySettings()).Today();

    /// <summary>The IMEI key (first 14 digits) of a 14- or 15-digit IMEI.</summary>
    public static long Key(string imei) => long.Parse(imei[..14], System.Globalization.CultureInfo.InvariantCulture);

    public static async Task AddTacAsync(this TestDatabase db, int tac, string brand, string model)
    {
        await using var context = db.CreateContext();
        context.Tacs.Add(new TacModel { Tac = tac, Brand = brand, Model = model });
        await context.SaveChangesAsync();
    }

    public static async Task AddSeenAsync(this TestDatabase db, string imei, DateOnly firstSeen, DateOnly? firstHomeSeen)
    {
        await using var context = db.CreateContext();
        context.SeenImeis.Add(new SeenImei { Imei = Key(imei), FirstSeen = firstSeen, LastSeen = Today.AddDays(-1), FirstHomeSeen = firstHomeSeen });
        await context.SaveChangesAsync();
    }

    /// <summary>Sightings with the given SIMs (IMSI, MSISDN) through one operator, so the database holds subscriber data the public must never see.</summary>
    public static async Task AddSightingsAsync(this TestDatabase db, string imei, params (string Imsi, string Msisdn)[] sims)
    {
        await using var context = db.CreateContext();
        var op = context.Operators.FirstOrDefault(o => o.Name == "Azercell");
        if (op is null)
        {
            op = new Operator { Name = "Azercell", CreatedAt = DateTime.UtcNow };
            context.Operators.Add(op);
            await context.SaveChangesAsync();
        }

        var day = Today.AddDays(-1);
        foreach (var (imsi, msisdn) in sims)
        {
            context.Sightings.Add(new Sighting
            {
                Imei = Key(imei), Imsi = imsi, Msisdn = msisdn, OperatorId = op.Id, Month = (day.Year * 100) + day.Month,
                DayMask = 1 << (day.Day - 1), FirstSeen = day, LastSeen = day, MsisdnSeen = msisdn is null ? null : day,
            });
        }

        await context.SaveChangesAsync();
    }

    public static async Task AddCloneStatusAsync(this TestDatabase db, string imei, string status, string genuineImsi, params string[] allowedImsis)
    {
        await using var context = db.CreateContext();
        context.Set<CloneStatus>().Add(new CloneStatus
        {
            Imei = Key(imei), Status = status, Since = Today.AddDays(-2), Rule = "test-rule", DistinctImsis = 12, DaysSeen = 40,
            OverlapDays = 20, OverlapShare = 0.5, FirstSeen = Today.AddDays(-100), LastSeen = Today.AddDays(-1),
            GenuineImsi = genuineImsi, AsOf = Today.AddDays(-1), UpdatedAt = DateTime.UtcNow,
        });
        foreach (var imsi in allowedImsis)
        {
            context.Set<CloneAllowedPair>().Add(new CloneAllowedPair { Imei = Key(imei), Imsi = imsi, Since = Today.AddDays(-2) });
        }

        await context.SaveChangesAsync();
    }

    public static string WithCheckDigit(string key14) => new Imei(Key(key14)).WithCheckDigit;
}
