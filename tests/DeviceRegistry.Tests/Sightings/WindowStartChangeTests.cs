using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Sightings;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Sightings;

/// <summary>
/// The EIR index learns where an IMEI's registration window starts only through imei_changes: every
/// merge (files and check sightings) that sets or moves earlier seen_imeis.first_home_seen must append
/// a "sightings" row for that IMEI in its own transaction, and no other merge may.
/// </summary>
public sealed class WindowStartChangeTests
{
    private const string Imei1 = "35761300444848";
    private const string Imei2 = "35291100000001";
    private const string Imei3 = "35291100000002";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_ingest_logs_each_IMEI_whose_first_home_sighting_it_sets_or_moves_earlier(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        // Imei1: home SIM first on 5 March. Imei2: only foreign SIMs.
        var first = kit.WriteLines("first.csv",
        [
            "date,imei,imsi",
            $"20260301,{Imei1},250011234567890",
            $"20260305,{Imei1},400011000000009",
            $"20260302,{Imei2},310150123456789",
        ]);
        // Imei1: an earlier home day (3 March) and a later one; Imei2: still foreign only, but earlier;
        // Imei3: new, home. Known and new IMEIs in one chunk.
        var later = kit.WriteLines("later.csv",
        [
            "date,imei,imsi",
            $"20260303,{Imei1},400021000000001",
            $"20260320,{Imei1},400011000000009",
            $"20260221,{Imei2},250011234567890",
            $"20260310,{Imei3},400011000000077",
        ]);
        // Only later days and non-home SIMs: first_seen/last_seen move, the window start does not.
        var noEarlierHome = kit.WriteLines("no-earlier-home.csv",
        [
            "date,imei,imsi",
            $"20260325,{Imei1},400011000000009",
            $"20260201,{Imei1},250011234567890",
            $"20260326,{Imei3},400011000000078",
        ]);

        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, first, "--operator", "Azercell")).ExitCode);
        Assert.Equal([Imei1], await WindowStartsAsync(db));

        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, later, "--operator", "Azercell")).ExitCode);
        Assert.Equal([Imei3, Imei1, Imei1], await WindowStartsAsync(db));

        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, noEarlierHome, "--operator", "Azercell")).ExitCode);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, later, "--operator", "Azercell")).ExitCode);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, first, "--operator", "Azercell")).ExitCode);
        Assert.Equal([Imei3, Imei1, Imei1], await WindowStartsAsync(db));
        Assert.Equal(
            [$"{Imei2} 2026-02-21..2026-03-02 home=-", $"{Imei3} 2026-03-10..2026-03-26 home=2026-03-10", $"{Imei1} 2026-02-01..2026-03-25 home=2026-03-03"],
            (await IngestTestKit.ReadStoreAsync(db)).Imeis);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_rejected_file_logs_nothing(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var bad = kit.WriteLines("bad.csv",
        [
            "date,imei,imsi",
            $"20260301,{Imei1},400011000000009",
            "20260301,12,400011000000009",
        ]);

        Assert.Equal(1, (await IngestTestKit.IngestAsync(db, bad, "--operator", "Azercell")).ExitCode);

        Assert.Empty(await WindowStartsAsync(db));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Chunked_or_not_every_IMEI_with_a_home_sighting_is_logged_and_no_other(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        var random = new Random(7);
        var rows = new List<string> { "date,imei,imsi" };
        for (var i = 0; i < 400; i++)
        {
            var imsi = random.Next(3) == 0 ? $"2500110{random.Next(0, 30):D8}" : $"4000110{random.Next(0, 30):D8}";
            rows.Add($"{new DateOnly(2026, 3, 1).AddDays(random.Next(0, 40)):yyyyMMdd},35761300{random.Next(0, 40):D6},{imsi}");
        }

        var file = kit.WriteLines("random.csv", rows);
        var withHome = rows.Skip(1).Select(r => r.Split(','))
            .Where(f => f[2].StartsWith("400", StringComparison.Ordinal))
            .Select(f => f[1]).Distinct().Order(StringComparer.Ordinal).ToList();
        await using var tiny = await TestDatabase.CreateAsync(provider);
        await using var big = await TestDatabase.CreateAsync(provider);

        Assert.Equal(0, (await IngestTestKit.IngestAsync(tiny, new Dictionary<string, string?> { ["Ingest:BufferSize"] = "5" }, file, "--operator", "Azercell")).ExitCode);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(big, file, "--operator", "Azercell")).ExitCode);

        // One chunk: each such IMEI once. Many chunks: a later chunk may move a start earlier again.
        Assert.Equal(withHome, await WindowStartsAsync(big));
        Assert.Equal(withHome, (await WindowStartsAsync(tiny)).Distinct().ToList());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EIR_check_sightings_go_through_the_same_merge_and_log_window_starts(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, kit.WriteLines("known.csv",
        [
            "date,imei,imsi,msisdn",
            $"20260305,{Imei1},400011000000009,994501000009",
        ]), "--operator", "Azercell")).ExitCode);
        await using var context = db.CreateContext();
        var operatorId = (await context.Operators.SingleAsync()).Id;
        var sink = new SqlSightingSink(db.Database, new HomeNetworks(["400", "401"]), new SightingsSettings(), new FixedClock(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero)));
        var day = new DateOnly(2026, 3, 4);
        CheckSighting[] batch =
        [
            // Imei1: a home check a day before its first home sighting (moves the start), twice.
            new(long.Parse(Imei1, CultureInfo.InvariantCulture), "400011000000009", "994501000009", operatorId, day, IsHome: true),
            new(long.Parse(Imei1, CultureInfo.InvariantCulture), "400011000000009", null, operatorId, day, IsHome: true),
            // Imei2: new, on a SIM of the second home MCC. Imei3: new, roaming only.
            new(long.Parse(Imei2, CultureInfo.InvariantCulture), "401019876543210", "99450222", operatorId, day, IsHome: true),
            new(long.Parse(Imei3, CultureInfo.InvariantCulture), "250011234567890", null, operatorId, day, IsHome: false),
        ];

        await sink.WriteAsync(batch, CancellationToken.None);
        await sink.WriteAsync(batch, CancellationToken.None);

        // Imei1: once from the file (5 March), once from the checks (4 March); Imei2 once; Imei3 never.
        Assert.Equal([Imei2, Imei1, Imei1], await WindowStartsAsync(db));
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(
        [
            $"{Imei2} 2026-03-04..2026-03-04 home=2026-03-04",
            $"{Imei3} 2026-03-04..2026-03-04 home=-",
            $"{Imei1} 2026-03-04..2026-03-05 home=2026-03-04",
        ], store.Imeis);
        Assert.Equal(
        [
            $"{Imei2} 401019876543210 Azercell 202603 mask=8 2026-03-04..2026-03-04 msisdn=99450222",
            $"{Imei3} 250011234567890 Azercell 202603 mask=8 2026-03-04..2026-03-04 msisdn=-",
            $"{Imei1} 400011000000009 Azercell 202603 mask=24 2026-03-04..2026-03-05 msisdn=994501000009",
        ], store.Sightings);
        var changedAt = (await context.ImeiChanges.AsNoTracking().Where(c => c.Source == SightingsMerger.ChangeSource).Select(c => c.ChangedAt).ToListAsync())
            .Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).Distinct();
        Assert.Contains(new DateTime(2026, 3, 10, 8, 0, 0, DateTimeKind.Utc), changedAt);
    }

    /// <summary>The IMEIs of the imei_changes rows (all "sightings" ones), ordered as text.</summary>
    private static async Task<List<string>> WindowStartsAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var changes = await context.ImeiChanges.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        Assert.All(changes, c => Assert.Equal(SightingsMerger.ChangeSource, c.Source));
        return changes.Select(c => c.Imei.ToString("D14", CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToList();
    }
}
