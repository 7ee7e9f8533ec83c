using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Sightings;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Sightings;

public sealed class IngestTests
{
    private const string Imei1 = "35761300444848";
    private const string Imei2 = "35291100000001";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_DIRBS_file_loads_as_it_is_with_15_14_and_16_digit_IMEIs_keyed_on_14(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = kit.WriteLines("dirbs.csv",
        [
            "date,imei,imsi,msisdn,rat",
            "20260301,357613004448485,400011000000001,994501000001,4G",
            "20260303,35761300444848,400011000000001,994501000001,",
            "20260303,3576130044484812,400011000000002,,5G",
        ]);

        var result = await IngestTestKit.IngestAsync(db, file, "--operator", "Azercell");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 rows, 3 loaded, 0 bad", result.Out, StringComparison.Ordinal);
        Assert.Contains("new operator(s) created: Azercell", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(file + ".rejects.csv"));
        var store = await IngestTestKit.ReadStoreAsync(db);
        // day 1 and day 3 of March: bits 0 and 2
        Assert.Equal(
        [
            $"{Imei1} 400011000000001 Azercell 202603 mask=5 2026-03-01..2026-03-03 msisdn=994501000001",
            $"{Imei1} 400011000000002 Azercell 202603 mask=4 2026-03-03..2026-03-03 msisdn=-",
        ], store.Sightings);
        Assert.Equal([$"{Imei1} 2026-03-01..2026-03-03 home=2026-03-01"], store.Imeis);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Headers_match_by_name_in_any_case_and_order_with_a_BOM_quotes_CRLF_and_timestamps_counted_on_Baku_dates(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = kit.Write("mixed.csv",
            "\uFEFFTimestamp,IMSI,Imei,\"Operator\",cell_id\r\n" +
            // 21:00 UTC is 01:00 next day in Baku (+04:00)
            "2026-03-01T21:00:00Z,400021000000003,\"35291100000001\",Bakcell,\"12,34\"\r\n" +
            // 01:00 at +05:00 is 20:00 UTC on the 1st, midnight of the 2nd in Baku
            "2026-03-02T01:00:00+05:00,400021000000003,35291100000001,\"Bakcell\",7\r\n" +
            "2026-03-01T23:59:59.123+04:00,400021000000003,35291100000001,Bakcell,7\r\n" +
            "2026-03-05,400021000000003,35291100000001, Nar ,7\r\n");

        var result = await IngestTestKit.IngestAsync(db, file);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("new operator(s) created: Bakcell, Nar", result.Out, StringComparison.Ordinal);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(
        [
            $"{Imei2} 400021000000003 Bakcell 202603 mask=3 2026-03-01..2026-03-02 msisdn=-",
            $"{Imei2} 400021000000003 Nar 202603 mask=16 2026-03-05..2026-03-05 msisdn=-",
        ], store.Sightings);
        Assert.Equal(["Bakcell", "Nar"], store.Operators);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_kind_of_bad_row_is_reported_with_its_line_number_and_the_column_at_fault(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        string[] lines =
        [
            "date,imei,imsi,msisdn,operator",
            "20260301,35761300444848,400011000000001,994501000001,Azercell",
            ",35761300444848,400011000000001,994501000001,Azercell",
            "20260301,,400011000000001,994501000001,Azercell",
            "20260301,3576130044484A,400011000000001,994501000001,Azercell",
            "20260301,3576130044484,400011000000001,994501000001,Azercell",
            "20260301,00000000000000,400011000000001,994501000001,Azercell",
            "20260301,35761300444848,40001,994501000001,Azercell",
            "20260301,35761300444848,40001x000000001,994501000001,Azercell",
            "20260301,35761300444848,400011000000001,99450abc,Azercell",
            "2026/03/01,35761300444848,400011000000001,994501000001,Azercell",
            "20260230,35761300444848,400011000000001,994501000001,Azercell",
            "2026-03-01T10:00:00,35761300444848,400011000000001,994501000001,Azercell",
            "20260312,35761300444848,400011000000001,994501000001,Azercell",
            "2026-03-11T20:30:00Z,35761300444848,400011000000001,994501000001,Azercell",
            "20260301,35761300444848,400011000000001,994501000001,",
            "20260301,35761300444848",
            "20260301,35761300444848,400011000000001,994501000001,Azercell,extra",
            "20260301,\"35761300444848,400011000000001,,Azercell",
            "",
            "20260301,abc,xyz,,Azercell",
            "2026-03-11T19:59:00Z,35761300444848,400011000000001,994501000001,Azercell",
        ];
        var file = kit.WriteLines("bad.csv", lines);
        // 2026-03-11 01:00 in Baku: the 11th is today, the 12th is in the future
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 10, 21, 0, 0, TimeSpan.Zero));
        var ingester = new AttachLogIngester(db.Database, new IngestSettings(), new SightingsSettings(), new DeviceRegistry.Infrastructure.RegistryClock(clock, new DeviceRegistry.Infrastructure.RegistrySettings()), new DeviceRegistry.Identifiers.HomeNetworks(["400"]));

        var result = await ingester.IngestAsync(file, defaultOperator: null, maxBadRatio: 1.0);

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        Assert.Equal(lines.Length - 1, result.Rows);
        Assert.Equal(lines.Length - 3, result.BadRows);
        var expected = new (int Line, string[] Reason)[]
        {
            (3, ["date: empty"]),
            (4, ["imei: empty"]),
            (5, ["imei: '3576130044484A'", "digits only"]),
            (6, ["imei: '3576130044484'", "14, 15 (IMEI) or 16 (IMEISV) digits"]),
            (7, ["imei: '00000000000000'", "junk"]),
            (8, ["imsi: '40001'", "6 to 15 digits"]),
            (9, ["imsi: '40001x000000001'", "digits only"]),
            (10, ["msisdn: '99450abc'", "not a phone number"]),
            (11, ["date: '2026/03/01'", "YYYYMMDD or YYYY-MM-DD"]),
            (12, ["date: '20260230'", "not a real calendar date"]),
            (13, ["date: '2026-03-01T10:00:00'", "no UTC offset"]),
            (14, ["date: 2026-03-12 is in the future", "today is 2026-03-11 in Asia/Baku"]),
            (15, ["date: 2026-03-12 is in the future"]),
            (16, ["operator: empty, and no --operator was given"]),
            (17, ["the row has 2 fields; the header has 5"]),
            (18, ["more fields than the header's 5"]),
            (19, ["quoted field is not closed"]),
            (20, ["the line is empty"]),
            (21, ["imei: 'abc'", "imsi: 'xyz'"]),
        };
        var rejects = IngestTestKit.ReadRejects(file);
        Assert.Equal(expected.Select(e => (long)e.Line), rejects.Select(r => r.Line));
        foreach (var ((line, fragments), reject) in expected.Zip(rejects))
        {
            foreach (var fragment in fragments)
            {
                Assert.True(reject.Reason.Contains(fragment, StringComparison.Ordinal), $"line {line}: '{reject.Reason}' lacks '{fragment}'");
            }

            Assert.Equal(lines[line - 1], reject.Raw);
        }

        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal([$"{Imei1} 400011000000001 Azercell 202603 mask=1025 2026-03-01..2026-03-11 msisdn=994501000001"], store.Sightings);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_with_a_few_bad_rows_loads_the_rest_and_reports_them(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var lines = new List<string> { "date,imei,imsi,msisdn" };
        for (var i = 0; i < 40; i++)
        {
            lines.Add($"20260310,35761300{i:D6},4000110{i:D8},99450{i:D7}");
        }

        lines.Insert(9, "20260310,35761300999999,not-an-imsi,994500000000"); // line 10
        var file = kit.WriteLines("few-bad.csv", lines);

        var result = await IngestTestKit.IngestAsync(db, file, "--operator", "Nar");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("41 rows, 40 loaded, 1 bad", result.Out, StringComparison.Ordinal);
        var reject = Assert.Single(IngestTestKit.ReadRejects(file));
        Assert.Equal(10, reject.Line);
        Assert.StartsWith("imsi: 'not-an-imsi'", reject.Reason, StringComparison.Ordinal);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(40, store.Sightings.Count);
        Assert.DoesNotContain(store.Imeis, i => i.StartsWith("35761300999999", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_over_the_bad_ratio_is_rejected_whole_and_changes_nothing(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var good = kit.WriteLines("good.csv",
        [
            "date,imei,imsi,operator",
            $"20260301,{Imei1},400011000000001,Azercell",
            $"20260302,{Imei2},400021000000003,Bakcell",
        ]);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, good)).ExitCode);
        var before = await IngestTestKit.ReadStoreAsync(db);

        var lines = new List<string> { "date,imei,imsi,operator" };
        for (var i = 0; i < 9; i++)
        {
            // new pairs, new days for known pairs, and a new operator: all must be rolled back
            lines.Add($"20260305,35761300{i:D6},4000110{i:D8},Naxtel");
        }

        lines.Add($"20260309,{Imei1},400011000000001,Azercell");
        lines.Add("20260309,12,400011000000001,Azercell"); // 1 bad in 11 rows: 9.1% > 5%
        var bad = kit.WriteLines("mostly-good.csv", lines);

        var result = await IngestTestKit.IngestAsync(db, bad);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rejected: 1 of 11 rows are bad (9.1%), more than the allowed 5.0%", result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing of the file was applied", result.Error, StringComparison.Ordinal);
        (await IngestTestKit.ReadStoreAsync(db)).AssertSameAs(before);
        Assert.Equal(12, Assert.Single(IngestTestKit.ReadRejects(bad)).Line);
        await using var context = db.CreateContext();
        var runs = await context.IngestRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        Assert.Equal([true, false], runs.Select(r => r.Accepted));
        Assert.Equal(11, runs[1].TotalRows);
        Assert.Equal(1, runs[1].BadRows);
        Assert.Contains("9.1%", runs[1].Message, StringComparison.Ordinal);

        // The same file is accepted when the ratio allows it.
        var relaxed = await IngestTestKit.IngestAsync(db, bad, "--max-bad-ratio", "0.1");
        Assert.Equal(0, relaxed.ExitCode);
        Assert.Contains("new operator(s) created: Naxtel", relaxed.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_header_without_a_required_column_rejects_the_file_at_once(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = kit.WriteLines("no-imsi.csv", ["date,imei,msisdn", $"20260301,{Imei1},994501000001"]);

        var result = await IngestTestKit.IngestAsync(db, file, "--operator", "Azercell");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("lacks the required column 'imsi'", result.Error, StringComparison.Ordinal);
        Assert.Contains("it has: date, imei, msisdn", result.Error, StringComparison.Ordinal);
        var reject = Assert.Single(IngestTestKit.ReadRejects(file));
        Assert.Equal((1L, "date,imei,msisdn"), (reject.Line, reject.Raw));
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Empty(store.Sightings);
        Assert.Empty(store.Operators);
        await using var context = db.CreateContext();
        var run = await context.IngestRuns.AsNoTracking().SingleAsync();
        Assert.False(run.Accepted);
        Assert.Equal(64, run.Sha256.Length);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_empty_file_and_a_header_without_rows_are_rejected(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var empty = kit.Write("empty.csv", "");
        var headerOnly = kit.Write("header-only.csv", "date,imei,imsi\n");

        var result = await IngestTestKit.IngestAsync(db, empty, headerOnly, "--operator", "Azercell");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("empty.csv: rejected: The file is empty", result.Error, StringComparison.Ordinal);
        Assert.Contains("header-only.csv: rejected: the file has a header but no rows", result.Error, StringComparison.Ordinal);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Empty(store.Operators);
        await using var context = db.CreateContext();
        Assert.Equal([false, false], await context.IngestRuns.OrderBy(r => r.Id).Select(r => r.Accepted).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Loading_the_same_file_again_or_an_overlapping_one_changes_nothing(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var rows = RandomRows(seed: 7, count: 400);
        var file = kit.WriteLines("month.csv", ["date,imei,imsi,msisdn,operator", .. rows]);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, file)).ExitCode);
        var first = await IngestTestKit.ReadStoreAsync(db);

        var again = await IngestTestKit.IngestAsync(db, file);
        var overlap = kit.WriteLines("overlap.csv", ["date,imei,imsi,msisdn,operator", .. rows.Skip(100).Take(150), .. rows.Take(30)]);
        var overlapped = await IngestTestKit.IngestAsync(db, overlap);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains(": 0 new, 0 merged,", again.Out, StringComparison.Ordinal);
        Assert.Contains("IMEIs: 0 new, 0 known IMEIs updated", again.Out, StringComparison.Ordinal);
        Assert.Contains(": 0 new, 0 merged,", overlapped.Out, StringComparison.Ordinal);
        (await IngestTestKit.ReadStoreAsync(db)).AssertSameAs(first);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Overlapping_files_OR_their_days_split_by_month_and_keep_the_latest_MSISDN_in_either_order(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        var a = kit.WriteLines("a.csv",
        [
            "date,imei,imsi,msisdn",
            .. Enumerable.Range(1, 10).Select(d => $"202603{d:D2},{Imei1},400011000000001,994501000001"),
            $"20260315,{Imei1},400011000000001,994509999999",
        ]);
        var b = kit.WriteLines("b.csv",
        [
            "date,imei,imsi,msisdn",
            .. Enumerable.Range(5, 11).Select(d => $"202603{d:D2},{Imei1},400011000000001,994501000002"),
            .. Enumerable.Range(1, 3).Select(d => $"202604{d:D2},{Imei1},400011000000001,994501000002"),
        ]);
        // March: days 1-15 seen = bits 0-14; on the 15th both numbers were seen, the greater text wins
        string[] expected =
        [
            $"{Imei1} 400011000000001 Azercell 202603 mask={(1 << 15) - 1} 2026-03-01..2026-03-15 msisdn=994509999999",
            $"{Imei1} 400011000000001 Azercell 202604 mask=7 2026-04-01..2026-04-03 msisdn=994501000002",
        ];

        // second file: b adds April (new) to March (merged); a only merges into March
        foreach (var (order, secondSummary) in new[] { (new[] { a, b }, ": 1 new, 1 merged, 0 already known"), (new[] { b, a }, ": 0 new, 1 merged, 0 already known") })
        {
            await using var db = await TestDatabase.CreateAsync(provider);
            Assert.Equal(0, (await IngestTestKit.IngestAsync(db, order[0], "--operator", "Azercell")).ExitCode);
            var second = await IngestTestKit.IngestAsync(db, order[1], "--operator", "Azercell");
            Assert.Equal(0, second.ExitCode);
            Assert.Contains(secondSummary, second.Out, StringComparison.Ordinal);

            var store = await IngestTestKit.ReadStoreAsync(db);
            Assert.Equal(expected, store.Sightings);
            Assert.Equal([$"{Imei1} 2026-03-01..2026-04-03 home=2026-03-01"], store.Imeis);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task First_home_seen_is_the_first_day_on_a_home_network_SIM(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var first = kit.WriteLines("first.csv",
        [
            "date,imei,imsi",
            $"20260301,{Imei1},250011234567890",
            $"20260305,{Imei1},400011000000009",
            $"20260307,{Imei1},250011234567890",
            $"20260302,{Imei2},310150123456789",
        ]);
        var later = kit.WriteLines("later.csv",
        [
            "date,imei,imsi",
            $"20260303,{Imei1},400021000000001",
            $"20260320,{Imei1},400011000000009",
            $"20260221,{Imei2},250011234567890",
        ]);

        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, first, "--operator", "Azercell")).ExitCode);
        Assert.Equal(
            [$"{Imei2} 2026-03-02..2026-03-02 home=-", $"{Imei1} 2026-03-01..2026-03-07 home=2026-03-05"],
            (await IngestTestKit.ReadStoreAsync(db)).Imeis);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, later, "--operator", "Azercell")).ExitCode);
        Assert.Equal(
            [$"{Imei2} 2026-02-21..2026-03-02 home=-", $"{Imei1} 2026-03-01..2026-03-20 home=2026-03-03"],
            (await IngestTestKit.ReadStoreAsync(db)).Imeis);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_tiny_buffer_gives_the_same_store_as_a_big_one_and_as_an_independent_count(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        var rows = RandomRows(seed: 42, count: 600);
        var file = kit.WriteLines("random.csv", ["date,imei,imsi,msisdn,operator", .. rows]);
        await using var tiny = await TestDatabase.CreateAsync(provider);
        await using var big = await TestDatabase.CreateAsync(provider);

        var tinyRun = await IngestTestKit.IngestAsync(tiny, new Dictionary<string, string?> { ["Ingest:BufferSize"] = "3" }, file);
        var bigRun = await IngestTestKit.IngestAsync(big, file);

        Assert.Equal(0, tinyRun.ExitCode);
        Assert.Equal(0, bigRun.ExitCode);
        var tinyStore = await IngestTestKit.ReadStoreAsync(tiny);
        tinyStore.AssertSameAs(await IngestTestKit.ReadStoreAsync(big));
        Assert.Equal(ExpectedSightings(rows), tinyStore.Sightings);
        Assert.Equal(ExpectedImeis(rows), tinyStore.Imeis);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_merger_API_records_single_sightings_in_the_callers_transaction(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        using var kit = new IngestTestKit();
        await IngestTestKit.IngestAsync(db, kit.WriteLines("op.csv", ["date,imei,imsi", $"20260301,{Imei2},400021000000003"]), "--operator", "Azercell");
        await using var context = db.CreateContext();
        var operatorId = (await context.Operators.SingleAsync()).Id;
        SightingRecord[] checks =
        [
            new(DeviceRegistry.Identifiers.Imei.ParseFromNetwork(Imei1), "400011000000001", "+994 50 100 00 01", operatorId, new DateOnly(2026, 3, 2)),
            new(DeviceRegistry.Identifiers.Imei.ParseFromNetwork(Imei1), "400011000000001", null, operatorId, new DateOnly(2026, 3, 1)),
            new(DeviceRegistry.Identifiers.Imei.ParseFromNetwork(Imei2), "400021000000003", null, operatorId, new DateOnly(2026, 3, 1)),
        ];

        var first = await MergeAsync(db, checks);
        var second = await MergeAsync(db, checks);

        // Imei1 is new and on a home SIM: its window starts (an imei_changes row); Imei2's started on 1 March already.
        Assert.Equal(new MergeCounts(1, 0, 1, 1, 0, WindowStarts: 1), first);
        Assert.Equal(new MergeCounts(0, 0, 2, 0, 0), second);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(
        [
            $"{Imei2} 400021000000003 Azercell 202603 mask=1 2026-03-01..2026-03-01 msisdn=-",
            $"{Imei1} 400011000000001 Azercell 202603 mask=3 2026-03-01..2026-03-02 msisdn=994501000001",
        ], store.Sightings);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_sighting_without_a_number_keeps_the_number_and_the_latest_numbered_day_wins_in_any_order(DatabaseProvider provider)
    {
        // An operator's file gives the number on 5 and 10 March, an EIR check without a GPSI sees the SIM on 20 March,
        // an older file line (3 March) arrives last. The number is the one of 10 March whatever the order, merged
        // one sighting per transaction (the stored row's merge) or all in one chunk (the buffer's merge).
        var imei = DeviceRegistry.Identifiers.Imei.ParseFromNetwork(Imei1);
        SightingRecord At(int day, string? msisdn) => new(imei, "400011000000001", msisdn, OperatorId: 0, new DateOnly(2026, 3, day));
        SightingRecord[] sightings = [At(5, "994501000005"), At(20, null), At(10, "994501000010"), At(3, "994509999999")];
        SightingRecord[][] orders =
        [
            sightings,
            [.. sightings.Reverse()],
            [sightings[2], sightings[1], sightings[0], sightings[3]],
        ];
        foreach (var order in orders)
        {
            foreach (var oneChunk in new[] { false, true })
            {
                await using var db = await TestDatabase.CreateAsync(provider);
                int operatorId;
                await using (var setup = db.CreateContext())
                {
                    setup.Operators.Add(new Operator { Name = "Azercell" });
                    await setup.SaveChangesAsync();
                    operatorId = (await setup.Operators.SingleAsync()).Id;
                }

                var records = order.Select(r => r with { OperatorId = operatorId }).ToList();
                if (oneChunk)
                {
                    await MergeAsync(db, records);
                }
                else
                {
                    foreach (var record in records)
                    {
                        await MergeAsync(db, [record]);
                    }
                }

                await using var context = db.CreateContext();
                var row = await context.Sightings.SingleAsync();
                var what = $"order {string.Join(",", order.Select(r => r.Date.Day))}, {(oneChunk ? "one chunk" : "one by one")}";
                Assert.True(row.Msisdn == "994501000010", $"{what}: number {row.Msisdn}");
                Assert.True(row.MsisdnSeen == new DateOnly(2026, 3, 10), $"{what}: number seen {row.MsisdnSeen}");
                Assert.Equal(new DateOnly(2026, 3, 20), row.LastSeen);
                Assert.Equal((1 << 2) | (1 << 4) | (1 << 9) | (1 << 19), row.DayMask);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_chunk_of_many_keys_partly_stored_counts_and_merges_each_key(DatabaseProvider provider)
    {
        // 200 keys in IMEI order, 130 of them stored first: on SQLite that makes whole batches of stored
        // keys, a batch mixing stored and new keys, and a remainder of new keys merged one by one.
        await using var db = await TestDatabase.CreateAsync(provider);
        using var kit = new IngestTestKit();
        await IngestTestKit.IngestAsync(db, kit.WriteLines("op.csv", ["date,imei,imsi", "20260301,35999999999999,400021000000003"]), "--operator", "Azercell");
        await using var context = db.CreateContext();
        var operatorId = (await context.Operators.SingleAsync()).Id;
        static string Imei(int i) => $"35761300{i:D6}";
        static string Imsi(int i) => $"4000110{i:D8}";
        static string Msisdn(int i) => $"99450{i:D7}";
        SightingRecord Record(int i, int day) =>
            new(DeviceRegistry.Identifiers.Imei.ParseFromNetwork(Imei(i)), Imsi(i), Msisdn(i), operatorId, new DateOnly(2026, 3, day));

        var first = await MergeAsync(db, Enumerable.Range(0, 130).Select(i => Record(i, 1)));
        // The stored keys with an even number are seen again on 3 March (a change), the odd ones on 1 March again (no change).
        var second = await MergeAsync(db, Enumerable.Range(0, 200).Select(i => Record(i, i < 130 && i % 2 == 0 ? 3 : 1)));

        Assert.Equal(new MergeCounts(130, 0, 0, 130, 0, WindowStarts: 130), first);
        Assert.Equal(new MergeCounts(70, 65, 65, 70, 65, WindowStarts: 70), second);
        var expected = Enumerable.Range(0, 200)
            .Select(i => i < 130 && i % 2 == 0
                ? $"{Imei(i)} {Imsi(i)} Azercell 202603 mask=5 2026-03-01..2026-03-03 msisdn={Msisdn(i)}"
                : $"{Imei(i)} {Imsi(i)} Azercell 202603 mask=1 2026-03-01..2026-03-01 msisdn={Msisdn(i)}")
            .Append("35999999999999 400021000000003 Azercell 202603 mask=1 2026-03-01..2026-03-01 msisdn=-")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, (await IngestTestKit.ReadStoreAsync(db)).Sightings);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_next_days_file_onto_the_day_before_sets_its_day_bits_window_starts_and_queue_rows_and_a_reload_changes_nothing(
        DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        const string a = "35761300000001", b = "35761300000002", c = "35761300000003", d = "35761300000004";
        var day1 = kit.WriteLines("day1.csv",
        [
            "date,imei,imsi,msisdn,operator",
            $"20260310,{a},400011000000001,994501000001,Azercell",
            $"20260310,{b},250011000000002,,Azercell",
            $"20260310,{c},400021000000003,994501000003,Bakcell",
        ]);
        // a again (a new MSISDN), b now on a home SIM, c not seen, d new.
        var day2 = kit.WriteLines("day2.csv",
        [
            "date,imei,imsi,msisdn,operator",
            $"20260311,{a},400011000000001,994501000011,Azercell",
            $"20260311,{b},400011000000022,994501000022,Azercell",
            $"20260311,{d},400021000000004,994501000004,Bakcell",
        ]);

        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, day1)).ExitCode);
        var afterDay1 = await ChangesAsync(db);
        Assert.Equal([long.Parse(a, CultureInfo.InvariantCulture), long.Parse(c, CultureInfo.InvariantCulture)], afterDay1);
        // The detection job has evaluated the first day.
        await CloneDetectionQueueRemoveAllAsync(db);

        var next = await IngestTestKit.IngestAsync(db, day2);

        Assert.Equal(0, next.ExitCode);
        Assert.Contains("sightings (IMEI-IMSI-operator-month): 2 new, 1 merged, 0 already known", next.Out, StringComparison.Ordinal);
        Assert.Contains("IMEIs: 1 new, 2 known IMEIs updated; registration windows started or moved earlier: 2", next.Out, StringComparison.Ordinal);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(
        [
            $"{a} 400011000000001 Azercell 202603 mask=1536 2026-03-10..2026-03-11 msisdn=994501000011",
            $"{b} 250011000000002 Azercell 202603 mask=512 2026-03-10..2026-03-10 msisdn=-",
            $"{b} 400011000000022 Azercell 202603 mask=1024 2026-03-11..2026-03-11 msisdn=994501000022",
            $"{c} 400021000000003 Bakcell 202603 mask=512 2026-03-10..2026-03-10 msisdn=994501000003",
            $"{d} 400021000000004 Bakcell 202603 mask=1024 2026-03-11..2026-03-11 msisdn=994501000004",
        ], store.Sightings);
        Assert.Equal(
        [
            $"{a} 2026-03-10..2026-03-11 home=2026-03-10",
            $"{b} 2026-03-10..2026-03-11 home=2026-03-11",
            $"{c} 2026-03-10..2026-03-10 home=2026-03-10",
            $"{d} 2026-03-11..2026-03-11 home=2026-03-11",
        ], store.Imeis);
        Assert.Equal([.. afterDay1, long.Parse(b, CultureInfo.InvariantCulture), long.Parse(d, CultureInfo.InvariantCulture)], await ChangesAsync(db));
        Assert.Equal([a, b, d], (await DeviceRegistry.Clones.CloneDetectionQueue.ReadAsync(db.Database, CancellationToken.None)).Select(q => $"{q.Imei:D14}"));

        var reload = await IngestTestKit.IngestAsync(db, day2);

        Assert.Equal(0, reload.ExitCode);
        Assert.Contains("sightings (IMEI-IMSI-operator-month): 0 new, 0 merged, 3 already known", reload.Out, StringComparison.Ordinal);
        Assert.Contains("IMEIs: 0 new, 0 known IMEIs updated; registration windows started or moved earlier: 0", reload.Out, StringComparison.Ordinal);
        (await IngestTestKit.ReadStoreAsync(db)).AssertSameAs(store);
        Assert.Equal(4, (await ChangesAsync(db)).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_chunk_of_new_IMEIs_with_one_stored_IMEI_between_them_merges_that_one(DatabaseProvider provider)
    {
        // 1,000 IMEIs new to the store and, second in IMEI order, one stored the day before: on PostgreSQL
        // the sample of the chunk misses it, so the straight COPY is tried and gives way to the staged merge.
        await using var db = await TestDatabase.CreateAsync(provider);
        static string Imei(int i) => $"35761300{i:D6}";
        static SightingRecord Record(int i, int day, int operatorId) =>
            new(DeviceRegistry.Identifiers.Imei.ParseFromNetwork(Imei(i)), $"4000110{i:D8}", null, operatorId, new DateOnly(2026, 3, day));
        using var kit = new IngestTestKit();
        await IngestTestKit.IngestAsync(db, kit.WriteLines("op.csv", ["date,imei,imsi", $"20260301,{Imei(1)},400011000000001"]), "--operator", "Azercell");
        await using var context = db.CreateContext();
        var operatorId = (await context.Operators.SingleAsync()).Id;

        var counts = await MergeAsync(db, Enumerable.Range(0, 1001).Select(i => Record(i, 2, operatorId)));

        Assert.Equal(new MergeCounts(1000, 1, 0, 1000, 1, WindowStarts: 1000), counts);
        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal($"{Imei(1)} 4000110{1:D8} Azercell 202603 mask=3 2026-03-01..2026-03-02 msisdn=-", store.Sightings[1]);
        Assert.Equal($"{Imei(1)} 2026-03-01..2026-03-02 home=2026-03-01", store.Imeis[1]);
        Assert.Equal($"{Imei(2)} 2026-03-02..2026-03-02 home=2026-03-02", store.Imeis[2]);
        Assert.Equal(1001, store.Sightings.Count);
        Assert.Equal(1001, (await ChangesAsync(db)).Count);
    }

    [Fact]
    public async Task On_PostgreSQL_the_next_days_updates_stay_on_their_pages_and_a_reload_writes_no_row_version()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        using var kit = new IngestTestKit();
        await IngestTestKit.IngestAsync(db, kit.WriteLines("op.csv", ["date,imei,imsi", "20260301,35999999999999,250011000000001"]), "--operator", "Azercell");
        await using var context = db.CreateContext();
        var operatorId = (await context.Operators.SingleAsync()).Id;
        SightingRecord Record(int i, int day) =>
            new(DeviceRegistry.Identifiers.Imei.ParseFromNetwork($"35761300{i:D6}"), $"4000110{i:D8}", $"99450{i:D7}", operatorId, new DateOnly(2026, 3, day));
        await MergeAsync(db, Enumerable.Range(0, 300).Select(i => Record(i, 2)));

        // (sightings updated, of them heap-only; seen_imeis updated, of them heap-only) by one merge: the
        // difference of the backend's counts read in its transaction before and after it (a pooled
        // backend's counts can still hold an earlier transaction's, not yet reported).
        async Task<(long, long, long, long)> MergeAndCountAsync(int day)
        {
            await using var connection = (Npgsql.NpgsqlConnection)await db.Database.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            async Task<long[]> CountsAsync()
            {
                await using var cmd = new Npgsql.NpgsqlCommand(
                    "SELECT coalesce(sum(n_tup_upd) FILTER (WHERE relname ~ '^sightings_[0-9]{6}$'), 0)::bigint, " +
                    "coalesce(sum(n_tup_hot_upd) FILTER (WHERE relname ~ '^sightings_[0-9]{6}$'), 0)::bigint, " +
                    "coalesce(sum(n_tup_upd) FILTER (WHERE relname = 'seen_imeis'), 0)::bigint, " +
                    "coalesce(sum(n_tup_hot_upd) FILTER (WHERE relname = 'seen_imeis'), 0)::bigint FROM pg_stat_xact_user_tables", connection, transaction);
                await using var reader = await cmd.ExecuteReaderAsync();
                await reader.ReadAsync();
                return [reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)];
            }

            var before = await CountsAsync();
            await SightingsMerger.MergeAsync(connection, transaction, Enumerable.Range(0, 300).Select(i => Record(i, day)),
                new DeviceRegistry.Identifiers.HomeNetworks(["400"]), DateTime.UtcNow);
            var after = await CountsAsync();
            await transaction.CommitAsync();
            return (after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]);
        }

        Assert.Equal((300L, 300L, 300L, 300L), await MergeAndCountAsync(3));
        Assert.Equal((0L, 0L, 0L, 0L), await MergeAndCountAsync(3));
        Assert.Equal($"35761300{7:D6} 4000110{7:D8} Azercell 202603 mask=6 2026-03-02..2026-03-03 msisdn=99450{7:D7}",
            (await IngestTestKit.ReadStoreAsync(db)).Sightings[7]);
    }

    /// <summary>The IMEIs of the imei_changes rows the sightings merge wrote, in id order.</summary>
    private static async Task<List<long>> ChangesAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.ImeiChanges.AsNoTracking().Where(c => c.Source == SightingsMerger.ChangeSource).OrderBy(c => c.Id).Select(c => c.Imei).ToListAsync();
    }

    private static async Task CloneDetectionQueueRemoveAllAsync(TestDatabase db)
    {
        var queued = await DeviceRegistry.Clones.CloneDetectionQueue.ReadAsync(db.Database, CancellationToken.None);
        Assert.Equal(queued.Count, await DeviceRegistry.Clones.CloneDetectionQueue.RemoveAsync(db.Database, queued, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_missing_file_fails_the_run_but_the_other_files_still_load(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var good = kit.WriteLines("good.csv", ["date,imei,imsi", $"20260301,{Imei1},400011000000001"]);

        var result = await IngestTestKit.IngestAsync(db, "/nonexistent/attach.csv", good, "--operator", "Azercell");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/attach.csv: no such file", result.Error, StringComparison.Ordinal);
        Assert.Contains("2 files: 1 accepted, 1 rejected or missing", result.Out, StringComparison.Ordinal);
        Assert.Single((await IngestTestKit.ReadStoreAsync(db)).Sightings);
    }

    [Fact]
    public async Task A_ratio_outside_0_to_1_or_a_blank_operator_is_a_usage_error()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var result = await IngestTestKit.IngestAsync(db, "x.csv", "--max-bad-ratio", "5");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--max-bad-ratio", result.Error, StringComparison.Ordinal);
        var blank = await IngestTestKit.IngestAsync(db, "x.csv", "--operator", " ");
        Assert.Equal(2, blank.ExitCode);
        Assert.Contains("--operator must be a name", blank.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20260301", "2026-03-01")]
    [InlineData("2026-03-01", "2026-03-01")]
    [InlineData("2026-03-01T19:59:59Z", "2026-03-01")]
    [InlineData("2026-03-01T20:00:00Z", "2026-03-02")]
    [InlineData("2026-03-01T20:00:00-04:00", "2026-03-02")]
    [InlineData("2026-03-01 23:00:00.5+0400", "2026-03-01")]
    [InlineData("2026-03-02T02:00+03", "2026-03-02")]
    [InlineData("2026-12-31T20:30:00Z", "2027-01-01")]
    public void Dates_and_timestamps_become_dates_in_the_registry_time_zone_Baku(string text, string expected)
    {
        var zone = new DeviceRegistry.Infrastructure.ZoneOffsets(DeviceRegistry.Infrastructure.RegistryClock.FindZone("Asia/Baku"));
        var problem = AttachLogDates.TryParse(System.Text.Encoding.ASCII.GetBytes(text), zone, out var date);
        Assert.Equal(DateProblem.None, problem);
        Assert.Equal(expected, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Theory]
    // Europe/Berlin: +01:00 in winter, +02:00 in summer; the date follows the offset in force at that instant.
    [InlineData("2026-01-15T23:30:00Z", "2026-01-16")]
    [InlineData("2026-07-15T22:30:00Z", "2026-07-16")]
    [InlineData("2026-07-15T21:30:00Z", "2026-07-15")]
    [InlineData("2026-03-29T00:59:00Z", "2026-03-29")]
    public void A_time_zone_with_daylight_saving_counts_each_timestamp_at_its_own_offset(string text, string expected)
    {
        var zone = new DeviceRegistry.Infrastructure.ZoneOffsets(DeviceRegistry.Infrastructure.RegistryClock.FindZone("Europe/Berlin"));
        Assert.Equal(DateProblem.None, AttachLogDates.TryParse(System.Text.Encoding.ASCII.GetBytes(text), zone, out var date));
        Assert.Equal(expected, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static async Task<MergeCounts> MergeAsync(TestDatabase db, IEnumerable<SightingRecord> records)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var counts = await SightingsMerger.MergeAsync(connection, transaction, records, new DeviceRegistry.Identifiers.HomeNetworks(["400"]), DateTime.UtcNow);
        await transaction.CommitAsync();
        return counts;
    }

    /// <summary>Rows over three months, few IMEIs and IMSIs so that keys repeat, two operators, some without MSISDN.</summary>
    internal static List<string> RandomRows(int seed, int count)
    {
        var random = new Random(seed);
        var rows = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var date = new DateOnly(2026, 2, 1).AddDays(random.Next(0, 80));
            var imei = $"35761300{random.Next(0, 12):D6}";
            var imsi = random.Next(4) == 0 ? $"2500110{random.Next(0, 20):D8}" : $"4000110{random.Next(0, 20):D8}";
            var msisdn = random.Next(3) == 0 ? "" : $"99450{random.Next(0, 5):D7}";
            var op = random.Next(2) == 0 ? "Azercell" : "Bakcell";
            rows.Add($"{date:yyyyMMdd},{imei},{imsi},{msisdn},{op}");
        }

        return rows;
    }

    /// <summary>seen_imeis as the rows define it: first and last day, first day with an MCC 400 IMSI.</summary>
    private static List<string> ExpectedImeis(IEnumerable<string> rows) => rows
        .Select(r => r.Split(','))
        .GroupBy(f => f[1], f => (Date: DateOnly.ParseExact(f[0], "yyyyMMdd", CultureInfo.InvariantCulture), Imsi: f[2]))
        .Select(g =>
        {
            var home = g.Where(r => r.Imsi.StartsWith("400", StringComparison.Ordinal)).Select(r => r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).FirstOrDefault() ?? "-";
            return $"{g.Key} {g.Min(r => r.Date):yyyy-MM-dd}..{g.Max(r => r.Date):yyyy-MM-dd} home={home}";
        })
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The store the rows should produce, worked out with LINQ from the rule in docs/ingest.md ("The store").</summary>
    private static List<string> ExpectedSightings(IEnumerable<string> rows) => rows
        .Select(r => r.Split(','))
        .Select(f => (Date: DateOnly.ParseExact(f[0], "yyyyMMdd", CultureInfo.InvariantCulture), Imei: f[1], Imsi: f[2], Msisdn: f[3], Op: f[4]))
        .GroupBy(r => (r.Imei, r.Imsi, r.Op, Month: (r.Date.Year * 100) + r.Date.Month))
        .Select(g =>
        {
            var mask = g.Aggregate(0, (m, r) => m | (1 << (r.Date.Day - 1)));
            var last = g.Max(r => r.Date);
            // The number of the latest day that carried one; on that day the greatest; rows without one never count.
            var numbered = g.Where(r => r.Msisdn.Length > 0).ToList();
            var numberDay = numbered.Count == 0 ? DateOnly.MinValue : numbered.Max(r => r.Date);
            var msisdn = numbered.Where(r => r.Date == numberDay).Select(r => r.Msisdn).Order(StringComparer.Ordinal).LastOrDefault() ?? "-";
            return $"{g.Key.Imei} {g.Key.Imsi} {g.Key.Op} {g.Key.Month} mask={mask} {g.Min(r => r.Date):yyyy-MM-dd}..{last:yyyy-MM-dd} msisdn={msisdn}";
        })
        .Order(StringComparer.Ordinal)
        .ToList();
}

public sealed class SightingsRetentionTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Retention_drops_whole_months_before_the_kept_ones_and_keeps_seen_imeis(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        // 2026-01-31, 2026-02-01 and 2026-08-15 for one pair
        var file = kit.WriteRetentionYear();
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, file, "--operator", "Azercell")).ExitCode);
        // as of 2026-08-20 with 6 months: August and the six before it (February to July) stay
        var result = await IngestTestKit.ApplyRetentionAsync(db, new DateOnly(2026, 8, 20));

        Assert.Equal(202602, result.OldestKeptMonth);
        if (provider == DatabaseProvider.Postgres)
        {
            // The January partition is dropped whole, not its rows deleted; February's and August's stay.
            Assert.Null(result.DeletedRows);
            Assert.Equal([202601], result.DroppedMonths);
            await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
            await connection.OpenAsync();
            Assert.Equal([202602, 202608], await SightingsPartitions.ListAsync(connection, CancellationToken.None));
        }
        else
        {
            Assert.Equal(1, result.DeletedRows);
            Assert.Empty(result.DroppedMonths);
        }

        var store = await IngestTestKit.ReadStoreAsync(db);
        Assert.Equal(
        [
            "35761300444848 400011000000001 Azercell 202602 mask=1 2026-02-01..2026-02-01 msisdn=-",
            "35761300444848 400011000000001 Azercell 202608 mask=16384 2026-08-15..2026-08-15 msisdn=-",
        ], store.Sightings);
        Assert.Equal(["35761300444848 2026-01-31..2026-08-15 home=2026-01-31"], store.Imeis);
    }
}
