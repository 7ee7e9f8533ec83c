using System.Globalization;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Sightings;
using DeviceRegistry.Tests.Evidence;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Sightings;

/// <summary>
/// Ingest with <c>Sightings:DeferMerge</c>: each file is appended to sightings_pending, readers see the pending rows, and the
/// roll-up folds them into the store exactly as merging each file would have.
/// </summary>
public sealed class DeferredIngestTests
{
    private const string A = "35761300000001", B = "35761300000002", C = "35761300000003", D = "35761300000004";

    private static Dictionary<string, string?> Deferred(TestDatabase db) => new(db.Settings) { ["Sightings:DeferMerge"] = "true" };

    private static long Key(string imei) => long.Parse(imei, CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Deferred_days_change_nothing_until_the_roll_up_which_folds_them_as_the_merge_would_and_a_reload_folds_to_the_same(
        DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var day1 = kit.WriteLines("day1.csv",
        [
            "date,imei,imsi,msisdn,operator",
            $"20260310,{A},400011000000001,994501000001,Azercell",
            $"20260310,{B},250011000000002,,Azercell",
            $"20260310,{C},400021000000003,994501000003,Bakcell",
        ]);
        // A again (a new MSISDN), B now on a home SIM, C not seen, D new.
        var day2 = kit.WriteLines("day2.csv",
        [
            "date,imei,imsi,msisdn,operator",
            $"20260311,{A},400011000000001,994501000011,Azercell",
            $"20260311,{B},400011000000022,994501000022,Azercell",
            $"20260311,{D},400021000000004,994501000004,Bakcell",
        ]);

        var first = await Infrastructure.Cli.RunAsync(Deferred(db), "ingest", day1);

        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        Assert.Contains("sightings (IMEI-IMSI-operator-month): 3 appended, merged into the store at the roll-up", first.Out, StringComparison.Ordinal);
        var untouched = await IngestTestKit.ReadStoreAsync(db);
        Assert.Empty(untouched.Sightings);
        Assert.Empty(untouched.Imeis);
        Assert.Equal(3, await PendingCountAsync(db));
        Assert.Empty(await WindowStartsAsync(db));
        Assert.Single(await RunsAsync(db));

        var rollUp = await Infrastructure.Cli.RunAsync(db, "roll-up");

        Assert.True(rollUp.ExitCode == 0, rollUp.Error + rollUp.Out);
        Assert.Contains("roll-up: 3 pending sightings folded", rollUp.Out, StringComparison.Ordinal);
        Assert.Contains("sightings (IMEI-IMSI-operator-month): 3 new, 0 merged, 0 already known", rollUp.Out, StringComparison.Ordinal);
        Assert.Equal(0, await PendingCountAsync(db));
        Assert.Equal([Key(A), Key(C)], await WindowStartsAsync(db));
        // The run was not evaluated yet: the roll-up queued its IMEIs one by one instead.
        Assert.Empty(await RunsAsync(db));
        var queued = await CloneDetectionQueue.ReadAsync(db.Database, CancellationToken.None);
        Assert.Equal([A, B, C], queued.Select(q => $"{q.Imei:D14}"));
        Assert.Equal(3, await CloneDetectionQueue.RemoveAsync(db.Database, queued, CancellationToken.None));

        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(Deferred(db), "ingest", day2)).ExitCode);
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(Deferred(db), "ingest", day2)).ExitCode); // loaded twice: the same rows pending twice
        Assert.Equal(6, await PendingCountAsync(db));
        var second = await Infrastructure.Cli.RunAsync(db, "roll-up");

        Assert.Contains("roll-up: 6 pending sightings folded", second.Out, StringComparison.Ordinal);
        Assert.Contains("sightings (IMEI-IMSI-operator-month): 2 new, 1 merged, 0 already known", second.Out, StringComparison.Ordinal);
        Assert.Contains("IMEIs: 1 new, 2 known IMEIs updated; registration windows started or moved earlier: 2", second.Out, StringComparison.Ordinal);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(
        [
            $"{A} 400011000000001 Azercell 202603 mask=1536 2026-03-10..2026-03-11 msisdn=994501000011",
            $"{B} 250011000000002 Azercell 202603 mask=512 2026-03-10..2026-03-10 msisdn=-",
            $"{B} 400011000000022 Azercell 202603 mask=1024 2026-03-11..2026-03-11 msisdn=994501000022",
            $"{C} 400021000000003 Bakcell 202603 mask=512 2026-03-10..2026-03-10 msisdn=994501000003",
            $"{D} 400021000000004 Bakcell 202603 mask=1024 2026-03-11..2026-03-11 msisdn=994501000004",
        ], store.Sightings);
        Assert.Equal(
        [
            $"{A} 2026-03-10..2026-03-11 home=2026-03-10",
            $"{B} 2026-03-10..2026-03-11 home=2026-03-11",
            $"{C} 2026-03-10..2026-03-10 home=2026-03-10",
            $"{D} 2026-03-11..2026-03-11 home=2026-03-11",
        ], store.Imeis);
        Assert.Equal([Key(A), Key(C), Key(B), Key(D)], await WindowStartsAsync(db));
        Assert.Equal([A, B, D], (await CloneDetectionQueue.ReadAsync(db.Database, CancellationToken.None)).Select(q => $"{q.Imei:D14}"));

        // Nothing pending: the roll-up reads an empty table and changes nothing.
        var idle = await Infrastructure.Cli.RunAsync(db, "roll-up");
        Assert.Contains("roll-up: 0 pending sightings folded", idle.Out, StringComparison.Ordinal);
        (await IngestTestKit.ReadStoreAsync(db)).AssertSameAs(store);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_pending_clone_is_flagged_by_a_full_run_and_by_continuous_detection_and_shown_in_its_evidence_before_any_roll_up(
        DatabaseProvider provider)
    {
        // The genuine SIM every day of September and October, a copy on every day of October: 31 days together.
        const string genuine = "400011000000101", copy = "400021000000202";
        var lines = new List<string> { "date,imei,imsi,operator" };
        for (var d = new DateOnly(2026, 9, 1); d <= new DateOnly(2026, 10, 31); d = d.AddDays(1))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{d:yyyyMMdd},{A},{genuine},Azercell"));
            if (d.Month == 10)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{d:yyyyMMdd},{A},{copy},Bakcell"));
            }
        }

        for (var i = 0; i < 30; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"20261031,{35_761_300_001_000 + i},4000110000010{i:D2},Azercell"));
        }

        using var kit = new IngestTestKit();
        await using var full = await TestDatabase.CreateAsync(provider);
        var file = kit.WriteLines("two-months.csv", lines);
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(Deferred(full), "ingest", file)).ExitCode);

        var detect = await Infrastructure.Cli.RunAsync(full, "detect", "--as-of", "2026-10-31");

        Assert.True(detect.ExitCode == 0, detect.Error + detect.Out);
        await using (var context = full.CreateContext())
        {
            var verdict = await context.Set<CloneStatus>().AsNoTracking().SingleAsync();
            Assert.Equal((Key(A), CloneStatusValues.Clone, genuine, 2), (verdict.Imei, verdict.Status, verdict.GenuineImsi, verdict.DistinctImsis));
        }

        var evidence = await EvidenceTestKit.SendAsync(full, new GetImeiEvidence(A + "7", EvidenceTestKit.Reviewer));
        Assert.Equal([(genuine, 61), (copy, 31)], evidence.Sims.Select(s => (s.Imsi, s.Days.Count)));
        Assert.Equal(31, evidence.TogetherDays.Count);

        // Continuous detection takes the deferred run's IMEIs from the pending rows, then forgets the run.
        await using var continuous = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(Deferred(continuous), "ingest", file)).ExitCode);
        Assert.Empty(await CloneDetectionQueue.ReadAsync(continuous.Database, CancellationToken.None));

        var run = await EvidenceTestKit.SendAsync(continuous, new DetectQueuedClones(), new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(31, run.Queued);
        Assert.Equal(1, run.Run!.NewClones);
        Assert.Empty(await RunsAsync(continuous));
        Assert.Equal(0, (await EvidenceTestKit.SendAsync(continuous, new DetectQueuedClones())).Queued);
        // Rolled up after its evaluation: nothing is queued again.
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(continuous, "roll-up")).ExitCode);
        Assert.Empty(await CloneDetectionQueue.ReadAsync(continuous.Database, CancellationToken.None));
        Assert.Equal(0, await PendingCountAsync(continuous));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rows_repeating_over_days_and_months_appended_unaggregated_in_small_chunks_roll_up_to_the_store_of_a_merged_ingest(
        DatabaseProvider provider)
    {
        // 12 IMEIs, 40 IMSIs, two operators, 80 days over three months, a third of the rows without a number.
        var rows = IngestTests.RandomRows(seed: 11, count: 600);
        using var kit = new IngestTestKit();
        var file = kit.WriteLines("months.csv", ["date,imei,imsi,msisdn,operator", .. rows]);
        await using var merged = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(merged, file)).ExitCode);
        await using var deferred = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string?>(Deferred(deferred)) { ["Ingest:BufferSize"] = "7" };

        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(settings, "ingest", file)).ExitCode);
        Assert.Equal(600, await PendingCountAsync(deferred)); // every row as it came
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(deferred, "roll-up")).ExitCode);

        (await IngestTestKit.ReadStoreAsync(deferred)).AssertSameAs(await IngestTestKit.ReadStoreAsync(merged));
        Assert.Equal((await WindowStartsAsync(merged)).Order(), (await WindowStartsAsync(deferred)).Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Retention_deletes_pending_rows_of_the_months_it_drops_so_a_later_roll_up_does_not_bring_them_back(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = kit.WriteRetentionYear();
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(Deferred(db), "ingest", file, "--operator", "Azercell")).ExitCode);
        Assert.Equal(3, await PendingCountAsync(db));

        Assert.Equal(202602, (await IngestTestKit.ApplyRetentionAsync(db, new DateOnly(2026, 8, 20))).OldestKeptMonth);

        Assert.Equal(2, await PendingCountAsync(db));
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(db, "roll-up")).ExitCode);
        Assert.Equal(
        [
            "35761300444848 400011000000001 Azercell 202602 mask=1 2026-02-01..2026-02-01 msisdn=-",
            "35761300444848 400011000000001 Azercell 202608 mask=16384 2026-08-15..2026-08-15 msisdn=-",
        ], (await IngestTestKit.ReadStoreAsync(db)).Sightings);
    }

    private static async Task<int> PendingCountAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.PendingSightings.CountAsync();
    }

    private static async Task<List<long>> WindowStartsAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.ImeiChanges.AsNoTracking().Where(c => c.Source == SightingsMerger.ChangeSource).OrderBy(c => c.Id).Select(c => c.Imei).ToListAsync();
    }

    private static async Task<List<long>> RunsAsync(TestDatabase db)
    {
        await using var connection = await db.Database.OpenConnectionAsync(CancellationToken.None);
        return await PendingSightings.QueuedRunsAsync(connection, null, CancellationToken.None);
    }
}
