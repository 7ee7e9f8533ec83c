using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using DeviceRegistry.Clones;
using DeviceRegistry.Cli;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Clones;

public sealed class DetectClonesTests
{
    // A leading zero in the key: the CSV must keep it.
    private const long CloneImei = 1_234_567_890_123;
    private const long NumberChangeImei = 35_332_510_000_001;
    private const string Genuine = "400011111111111";
    private const string Copy = "400022222222222";
    private const string SecondCopy = "400043333333333";
    private const string OldNumber = "400014444444444";
    private const string NewNumber = "400025555555555";
    private static readonly DateOnly AsOf = new(2026, 5, 31);

    /// <summary>
    /// A clone (genuine SIM every day from 1 Mar, a copy every day from 20 Mar, a second copy every
    /// other day in May), a number change with the old SIM lingering two days, and ten one-SIM phones.
    /// </summary>
    private static async Task SeedAsync(TestDatabase db)
    {
        var days = new List<(long Imei, string Imsi, DateOnly Day)>();
        void Daily(long imei, string imsi, DateOnly from, DateOnly to, int every = 1)
        {
            for (var d = from; d <= to; d = d.AddDays(every))
            {
                days.Add((imei, imsi, d));
            }
        }

        Daily(CloneImei, Genuine, new DateOnly(2026, 3, 1), AsOf);
        Daily(CloneImei, Copy, new DateOnly(2026, 3, 20), AsOf);
        Daily(CloneImei, SecondCopy, new DateOnly(2026, 5, 1), AsOf, every: 2);
        Daily(NumberChangeImei, OldNumber, new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 16));
        Daily(NumberChangeImei, NewNumber, new DateOnly(2026, 4, 15), AsOf);
        for (var i = 0; i < 10; i++)
        {
            Daily(35_891_110_000_100 + i, "40001900000000" + i.ToString(CultureInfo.InvariantCulture), new DateOnly(2026, 3, 1), AsOf, every: 1 + (i % 3));
        }

        await InsertSightingsAsync(db, days);
    }

    internal static async Task InsertSightingsAsync(TestDatabase db, IEnumerable<(long Imei, string Imsi, DateOnly Day)> days)
    {
        await using var context = db.CreateContext();
        var op = await context.Operators.FirstOrDefaultAsync(o => o.Name == "Azercell");
        if (op is null)
        {
            op = new Operator { Name = "Azercell", CreatedAt = DateTime.UtcNow };
            context.Operators.Add(op);
            await context.SaveChangesAsync();
        }

        foreach (var g in days.GroupBy(d => (d.Imei, d.Imsi, Month: d.Day.Year * 100 + d.Day.Month)))
        {
            var existing = await context.Sightings.FindAsync(g.Key.Imei, g.Key.Imsi, op.Id, g.Key.Month);
            var mask = g.Aggregate(0, (m, d) => m | (1 << (d.Day.Day - 1)));
            if (existing is null)
            {
                context.Sightings.Add(new Sighting
                {
                    Imei = g.Key.Imei, Imsi = g.Key.Imsi, OperatorId = op.Id, Month = g.Key.Month, DayMask = mask,
                    FirstSeen = g.Min(d => d.Day), LastSeen = g.Max(d => d.Day), Msisdn = "994501234567",
                    MsisdnSeen = g.Max(d => d.Day),
                });
            }
            else
            {
                existing.DayMask |= mask;
                existing.LastSeen = g.Max(d => d.Day) > existing.LastSeen ? g.Max(d => d.Day) : existing.LastSeen;
                existing.MsisdnSeen = existing.LastSeen;
            }
        }

        await context.SaveChangesAsync();
    }

    private static async Task<(int Statuses, int History, int Changes, int Pairs)> CountsAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return (await context.Set<CloneStatus>().CountAsync(), await context.Set<CloneStatusChange>().CountAsync(),
            await context.ImeiChanges.CountAsync(), await context.Set<CloneAllowedPair>().CountAsync());
    }

    private static Task<CliResult> DetectAsync(TestDatabase db, params string[] extra) =>
        Infrastructure.Cli.RunAsync(db, ["detect", "--as-of", AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), .. extra]);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Detect_records_the_clone_with_evidence_allowed_pairs_history_and_an_imei_change(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);

        var run = await DetectAsync(db);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("new clones: 1", run.Out, StringComparison.Ordinal);
        await using var context = db.CreateContext();
        var status = Assert.Single(await context.Set<CloneStatus>().ToListAsync());
        Assert.Equal(CloneImei, status.Imei);
        Assert.Equal(CloneStatusValues.Clone, status.Status);
        Assert.Equal("independent-use", status.Rule);
        Assert.Equal(AsOf, status.Since);
        Assert.Equal(AsOf, status.AsOf);
        Assert.Equal(3, status.DistinctImsis);
        Assert.Equal(90, status.DaysSeen); // 3 Mar to 31 May, the genuine SIM every day
        Assert.Equal(73, status.OverlapDays); // the copy from 20 Mar
        Assert.Equal(Math.Round(73.0 / 90, 4), status.OverlapShare, 4);
        Assert.Equal(67, status.ConcurrentDays); // the copy's steady days: 23 Mar to 28 May
        Assert.Equal(3, status.MaxDailyImsis);
        Assert.Equal(new DateOnly(2026, 3, 1), status.FirstSeen);
        Assert.Equal(AsOf, status.LastSeen);
        Assert.Equal(Genuine, status.GenuineImsi);

        var pairs = await context.Set<CloneAllowedPair>().OrderBy(p => p.Imsi).ToListAsync();
        Assert.Equal([Genuine, Copy, SecondCopy], pairs.Select(p => p.Imsi));
        Assert.All(pairs, p => Assert.Equal((CloneImei, AsOf), (p.Imei, p.Since)));

        var history = Assert.Single(await context.Set<CloneStatusChange>().ToListAsync());
        Assert.Equal((CloneImei, CloneStatusValues.Clone, AsOf, "independent-use"), (history.Imei, history.Status, history.AsOf, history.Rule));
        using var reason = JsonDocument.Parse(history.Reason!);
        Assert.Equal(Genuine, reason.RootElement.GetProperty("GenuineImsi").GetString());
        // the months read begin on 1 Mar (the 90 days end on 31 May), so the genuine SIM is there from their first day
        Assert.Equal("the earliest steady use: from 2026-03-01, seen on 92 days (already in use when the months read begin, 2026-03-01)",
            reason.RootElement.GetProperty("GenuineReason").GetString());
        Assert.StartsWith($"{Genuine} and {Copy} over ", reason.RootElement.GetProperty("Pair").GetString(), StringComparison.Ordinal);

        var change = Assert.Single(await context.ImeiChanges.ToListAsync());
        Assert.Equal((CloneImei, "clones"), (change.Imei, change.Source));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Detect_is_idempotent_and_verdicts_are_sticky(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        Assert.Equal(0, (await DetectAsync(db)).ExitCode);
        var before = await CountsAsync(db);

        var again = await DetectAsync(db);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("new clones: 0", again.Out, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync(db));

        // a new SIM on the clone after the verdict is not allowed, and months later with no sightings the verdict stays
        await InsertSightingsAsync(db, [(CloneImei, "400047777777777", new DateOnly(2026, 6, 5))]);
        var later = await Infrastructure.Cli.RunAsync(db, "detect", "--as-of", "2026-12-31");
        Assert.Equal(0, later.ExitCode);
        Assert.Equal(before, await CountsAsync(db));
        await using var context = db.CreateContext();
        Assert.Equal(CloneStatusValues.Clone, (await context.Set<CloneStatus>().SingleAsync()).Status);
        Assert.DoesNotContain(await context.Set<CloneAllowedPair>().Select(p => p.Imsi).ToListAsync(), i => i == "400047777777777");
    }

    [Fact]
    public async Task Detect_run_every_day_flags_a_copy_on_its_17th_day_and_never_an_old_sim_kept_in_for_ten_days_after_a_number_change()
    {
        // Continuous detection runs every day and a verdict is sticky, so a pair must not pass on any day it could still be a
        // hesitant number change. The number change: the old SIM daily from 1 Mar, the new one daily from 10 May, the old one
        // still in on every day to 19 May, then on 21 and 23 May, then dropped. As of 19 May the old SIM seems to keep its use
        // over a week (13-19 May, 7 of 7 days: P(Bin(7, 0.495) >= 7) = 0.007); a rule deciding over a week flags it then. Over
        // two weeks (IndependentUseRule.KeptSpanDays) it never shows: the span stays under 14 days until the old SIM has
        // stopped (24 May on), and then the two were together for 14 days, under three weeks: a change-over.
        // The copy: the owner daily from 1 Mar, a copy every other day from 10 May: flagged as of 26 May, its 17th day
        // (span 13-26 May, 14 days, the owner on all of them).
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        const long copyImei = 35_332_510_000_002;
        var days = new List<(long Imei, string Imsi, DateOnly Day)>();
        for (var d = new DateOnly(2026, 3, 1); d <= AsOf; d = d.AddDays(1))
        {
            days.Add((copyImei, Genuine, d));
            if (d >= new DateOnly(2026, 5, 10) && d.Day % 2 == 0)
            {
                days.Add((copyImei, Copy, d));
            }

            if (d <= new DateOnly(2026, 5, 19) || d == new DateOnly(2026, 5, 21) || d == new DateOnly(2026, 5, 23))
            {
                days.Add((NumberChangeImei, OldNumber, d));
            }

            if (d >= new DateOnly(2026, 5, 10))
            {
                days.Add((NumberChangeImei, NewNumber, d));
            }
        }

        await InsertSightingsAsync(db, days);
        var settings = new Dictionary<string, string?>(db.Settings) { ["CloneDetection:MaxFlaggedShare"] = "1" };
        for (var asOf = new DateOnly(2026, 5, 10); asOf <= AsOf; asOf = asOf.AddDays(1))
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await DevReg.RunAsync(["detect", "--as-of", asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], output, error, settings);
            Assert.True(exit == 0, error.ToString());
        }

        await using var context = db.CreateContext();
        var verdict = await context.Set<CloneStatus>().SingleAsync();
        Assert.Equal(copyImei, verdict.Imei);
        Assert.Equal(new DateOnly(2026, 5, 26), verdict.Since);
        Assert.Equal(Genuine, verdict.GenuineImsi);
    }

    [Fact]
    public async Task Detect_records_two_part_time_users_by_their_changes_of_sim_and_not_one_person_changing_sims_every_week()
    {
        // Day t counted from 1 Jan. Two part-time users (IndependentUseRuleTests has the sums): the owner on t % 5 in {0, 3},
        // from 1 Apr the copy on t % 5 in {1, 4}, both every tenth day. Span 5 Apr - 30 May: 5 shared days, too few for the
        // shared-days test alone, but 44 changes of SIM on 45 single days. One person: the old SIM until 31 Mar, then the two
        // SIMs a week each in turn with a code day now and then: 8 changes on 50 single days, one person's.
        const long twoUsersImei = 35_332_510_000_003;
        const long onePersonImei = 35_332_510_000_004;
        var april = new DateOnly(2026, 4, 1);
        var days = new List<(long Imei, string Imsi, DateOnly Day)>();
        for (var t = 0; t < 151; t++)
        {
            var day = new DateOnly(2026, 1, 1).AddDays(t);
            if (t % 5 is 0 or 3 || (t >= 90 && t % 10 == 2))
            {
                days.Add((twoUsersImei, Genuine, day));
            }

            if (t >= 90 && (t % 5 is 1 or 4 || t % 10 == 2))
            {
                days.Add((twoUsersImei, Copy, day));
            }

            var week = (day.DayNumber - april.DayNumber) / 7;
            if (day < april ? t % 5 is 0 or 3 : week % 2 == 0)
            {
                days.Add((onePersonImei, OldNumber, day));
            }

            if (day >= april && (week % 2 == 1 || (week % 2 == 0 && week <= 8 && (day.DayNumber - april.DayNumber) % 7 == 3)))
            {
                days.Add((onePersonImei, NewNumber, day));
            }
        }

        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await InsertSightingsAsync(db, days);
        var settings = new Dictionary<string, string?>(db.Settings) { ["CloneDetection:MaxFlaggedShare"] = "1" };
        var run = await Infrastructure.Cli.RunAsync(settings, "detect", "--as-of", AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        Assert.True(run.ExitCode == 0, run.Error);
        await using var context = db.CreateContext();
        var verdict = await context.Set<CloneStatus>().SingleAsync();
        Assert.Equal((twoUsersImei, "independent-use", Genuine), (verdict.Imei, verdict.Rule, verdict.GenuineImsi));
        var history = await context.Set<CloneStatusChange>().SingleAsync();
        using var reason = JsonDocument.Parse(history.Reason!);
        var pair = reason.RootElement.GetProperty("Pair").GetString();
        Assert.Contains("over 56 days of common use: seen on 27 and 28 days, both on 5 that were not a change of SIM", pair, StringComparison.Ordinal);
        Assert.Contains("; on its 45 days with one SIM alone the SIM changed 44 times", pair, StringComparison.Ordinal);
    }

    /// <summary>Both providers, with every row in the month rows, and with the relative's own phone's May rows not yet rolled up.</summary>
    public static TheoryData<DatabaseProvider, bool> ProvidersAndPending => new()
    {
        { DatabaseProvider.Sqlite, false }, { DatabaseProvider.Postgres, false }, { DatabaseProvider.Sqlite, true }, { DatabaseProvider.Postgres, true },
    };

    [Theory]
    [MemberData(nameof(ProvidersAndPending))]
    public async Task Detect_passes_over_a_relatives_sim_at_home_in_its_own_phone_and_records_a_copy_whose_sim_left_its_old_phone(
        DatabaseProvider provider, bool ownPhonePending)
    {
        // Both IMEIs: an owner every day from 1 Mar, a second SIM every other day from 10 May. On this IMEI's days alone each
        // is a copy (IndependentUseRuleTests: span 13-30 May, 9 shared days of 18). The relative's SIM is also in its own
        // phone every day from 1 Mar: seen elsewhere on all 18 days of the span, here on 9, so it lives there and visits.
        // The copy's SIM was in its user's old phone until 9 May, then only in the copy: elsewhere on none of the span.
        const long borrowedImei = 35_332_510_000_005, relativesPhone = 35_332_510_000_006;
        const long copiedImei = 35_332_510_000_007, oldPhone = 35_332_510_000_008;
        const string relative = "400026666666666", otherOwner = "400017777777777";
        var copyStart = new DateOnly(2026, 5, 10);
        var days = new List<(long Imei, string Imsi, DateOnly Day)>();
        for (var d = new DateOnly(2026, 3, 1); d <= AsOf; d = d.AddDays(1))
        {
            var copyDay = d >= copyStart && d < AsOf && (d.DayNumber - copyStart.DayNumber) % 2 == 0;
            days.Add((borrowedImei, Genuine, d));
            days.Add((relativesPhone, relative, d));
            days.Add((copiedImei, otherOwner, d));
            days.Add((d < copyStart ? oldPhone : copiedImei, Copy, d));
            if (copyDay)
            {
                days.Add((borrowedImei, relative, d));
            }
        }

        days.RemoveAll(x => x.Imei == copiedImei && x.Imsi == Copy && (x.Day.DayNumber - copyStart.DayNumber) % 2 != 0);
        days.RemoveAll(x => x.Imei == copiedImei && x.Imsi == Copy && x.Day == AsOf);
        // the own phone's May days appended by a deferred ingest (sightings_pending), as the day files arrive before the roll-up
        var pendingDays = ownPhonePending ? days.Where(x => x.Imei == relativesPhone && x.Day.Month == 5).ToList() : [];
        days.RemoveAll(pendingDays.Contains);
        await using var db = await TestDatabase.CreateAsync(provider);
        await InsertSightingsAsync(db, days);
        if (ownPhonePending)
        {
            using var kit = new Sightings.IngestTestKit();
            var file = kit.WriteLines("may.csv", ["date,imei,imsi,msisdn,operator",
                .. pendingDays.Select(x => $"{x.Day:yyyyMMdd},{x.Imei},{x.Imsi},,Bakcell")]);
            var deferred = await Infrastructure.Cli.RunAsync(new Dictionary<string, string?>(db.Settings) { ["Sightings:DeferMerge"] = "true" }, "ingest", file);
            Assert.True(deferred.ExitCode == 0, deferred.Error + deferred.Out);
            Assert.Contains($"{pendingDays.Count} appended", deferred.Out, StringComparison.Ordinal);
        }

        var settings = new Dictionary<string, string?>(db.Settings) { ["CloneDetection:MaxFlaggedShare"] = "1" };
        var run = await Infrastructure.Cli.RunAsync(settings, "detect", "--as-of", AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        Assert.True(run.ExitCode == 0, run.Error);
        await using var context = db.CreateContext();
        var verdict = await context.Set<CloneStatus>().SingleAsync();
        Assert.Equal((copiedImei, otherOwner), (verdict.Imei, verdict.GenuineImsi));
        var history = await context.Set<CloneStatusChange>().SingleAsync();
        using var reason = JsonDocument.Parse(history.Reason!);
        var pair = reason.RootElement.GetProperty("Pair").GetString();
        Assert.Contains("over 18 days of common use: seen on 18 and 9 days, both on 9", pair, StringComparison.Ordinal);
        Assert.Contains("; seen on other IMEIs on 0 and 0 of those days", pair, StringComparison.Ordinal);

        // the same rules without the whereabouts judge the relative's SIM on this IMEI's days alone: a second user
        var rules = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(rules, """
            { "Rules": [ { "Name": "days-alone", "Kind": "IndependentUse", "PeriodDays": 90, "TransitionDays": 3, "MinOverlapDays": 4,
              "MinUseShare": 0.25, "AlternationRate": 0.02, "Alpha": 0.001, "GiveWayAlpha": 0.01, "MinClosedSpanDays": 21,
              "HandoverRunDays": 2, "SwitchRate": 0.1 } ] }
            """);
        try
        {
            var alone = await Infrastructure.Cli.RunAsync(settings, "detect", "--as-of", AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--rules", rules);
            Assert.True(alone.ExitCode == 0, alone.Error);
            Assert.Contains("new clones: 1", alone.Out, StringComparison.Ordinal);
            Assert.Equal(borrowedImei, (await context.Set<CloneStatus>().AsNoTracking().Where(s => s.Rule == "days-alone").SingleAsync()).Imei);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    /// <summary>An appeal approved on the as-of date: the verdict becomes Cleared from that day.</summary>
    private static async Task ClearOnAppealAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var status = await context.Set<CloneStatus>().SingleAsync();
        status.Status = CloneStatusValues.Cleared;
        status.Since = AsOf;
        await context.SaveChangesAsync();
    }

    /// <summary>Detection as of 31 Aug; the clone is the only IMEI seen since June, so the safety check is opened up.</summary>
    private static async Task DetectAfterTheAppealAsync(TestDatabase db)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var again = await DevReg.RunAsync(["detect", "--as-of", "2026-08-31"], output, error,
            new Dictionary<string, string?>(db.Settings) { ["CloneDetection:MaxFlaggedShare"] = "1" });
        Assert.True(again == 0, error.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_cleared_verdict_is_judged_again_only_on_sightings_after_it_was_cleared_and_keeps_its_genuine_owner(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        Assert.Equal(0, (await DetectAsync(db)).ExitCode);
        await ClearOnAppealAsync(db);

        var quiet = await Infrastructure.Cli.RunAsync(db, "detect", "--as-of", "2026-06-10");
        Assert.Equal(0, quiet.ExitCode);
        await using (var context = db.CreateContext())
        {
            Assert.Equal(CloneStatusValues.Cleared, (await context.Set<CloneStatus>().SingleAsync()).Status);
        }

        // the copies go on being used together after the appeal: clone again, history appended. The copy is back from 1 June,
        // the genuine SIM only from 3 June: on the sightings since the appeal alone the copy would be the earliest steady use,
        // but the first verdict's owner is kept.
        var days = new List<(long, string, DateOnly)>();
        for (var d = new DateOnly(2026, 6, 1); d <= new DateOnly(2026, 8, 31); d = d.AddDays(1))
        {
            days.Add((CloneImei, Copy, d));
            if (d >= new DateOnly(2026, 6, 3))
            {
                days.Add((CloneImei, Genuine, d));
            }
        }

        await InsertSightingsAsync(db, days);
        await DetectAfterTheAppealAsync(db);
        await using (var context = db.CreateContext())
        {
            var status = await context.Set<CloneStatus>().SingleAsync();
            Assert.Equal((CloneStatusValues.Clone, new DateOnly(2026, 8, 31)), (status.Status, status.Since));
            Assert.Equal(new DateOnly(2026, 6, 1), status.FirstSeen);
            Assert.Equal(Genuine, status.GenuineImsi);
            var history = await context.Set<CloneStatusChange>().OrderBy(h => h.Id).ToListAsync();
            Assert.Equal(2, history.Count);
            using var reason = JsonDocument.Parse(history[1].Reason!);
            Assert.Equal(Genuine, reason.RootElement.GetProperty("GenuineImsi").GetString());
            Assert.Equal("the genuine owner named in the earlier verdict", reason.RootElement.GetProperty("GenuineReason").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invalid_rule_files_and_settings_are_refused_with_nothing_applied(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        var folder = Directory.CreateTempSubdirectory("devreg-rules-").FullName;
        try
        {
            var file = Path.Combine(folder, "rules.json");
            await File.WriteAllTextAsync(file, """{ "Rules": [ { "Name": "ok", "Kind": "DistinctImsis", "Threshold": 2, "PeriodDays": 90 }, { "Name": "bad", "Kind": "DailyAverageImsis", "Threshold": 2, "PeriodDays": 30 } ] }""");
            var invalid = await DetectAsync(db, "--rules", file);
            Assert.Equal(1, invalid.ExitCode);
            Assert.Contains("Rules[1] ('bad'): MinSeenDays is required", invalid.Error, StringComparison.Ordinal);

            var missing = await DetectAsync(db, "--rules", Path.Combine(folder, "nope.json"));
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("nope.json' does not exist", missing.Error, StringComparison.Ordinal);

            var badDate = await Infrastructure.Cli.RunAsync(db, "detect", "--as-of", "31/05/2026");
            Assert.Equal(2, badDate.ExitCode);
            Assert.Contains("--as-of", badDate.Error, StringComparison.Ordinal);

            var settings = new Dictionary<string, string?>(db.Settings)
            {
                ["CloneDetection:Rules:0:Name"] = "x",
                ["CloneDetection:Rules:0:Kind"] = "ConcurrentImsis",
                ["CloneDetection:Rules:0:PeriodDays"] = "90",
            };
            using var output = new StringWriter();
            using var error = new StringWriter();
            var configured = await DevReg.RunAsync(["detect", "--as-of", "2026-05-31"], output, error, settings);
            Assert.Equal(2, configured); // a bad setting stops devreg before any work, like a usage error
            Assert.Contains("CloneDetection:Rules:0 ('x'): MinImsis is required", error.ToString(), StringComparison.Ordinal);

            Assert.Equal((0, 0, 0, 0), await CountsAsync(db));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_run_that_would_flag_more_than_the_safe_share_is_refused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        var folder = Directory.CreateTempSubdirectory("devreg-rules-").FullName;
        try
        {
            // naive counting flags the clone and the number change: 2 of 12 IMEIs, more than 10 %
            var file = Path.Combine(folder, "counting.json");
            await File.WriteAllTextAsync(file, """{ "Rules": [ { "Name": "two", "Kind": "DistinctImsis", "Threshold": 2, "PeriodDays": 90 } ] }""");

            var refused = await DetectAsync(db, "--rules", file);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("Safety check", refused.Error, StringComparison.Ordinal);
            Assert.Contains("2 of the 12 IMEIs", refused.Error, StringComparison.Ordinal);
            Assert.Equal((0, 0, 0, 0), await CountsAsync(db));

            using var output = new StringWriter();
            using var error = new StringWriter();
            var allowed = await DevReg.RunAsync(["detect", "--as-of", "2026-05-31", "--rules", file], output, error,
                new Dictionary<string, string?>(db.Settings) { ["CloneDetection:MaxFlaggedShare"] = "0.2" });
            Assert.True(allowed == 0, error.ToString());
            Assert.Equal(2, (await CountsAsync(db)).Statuses);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Clones_lists_the_verdicts_as_csv_keyed_on_the_14_digit_imei_and_as_json(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        Assert.Equal(0, (await DetectAsync(db)).ExitCode);

        var csv = await Infrastructure.Cli.RunAsync(db, "clones");
        Assert.Equal(0, csv.ExitCode);
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        Assert.Equal("imei", header[0]);
        Assert.Equal("01234567890123", row[0]);
        Assert.Equal(Genuine, row[Array.IndexOf(header, "genuine_imsi")]);
        Assert.Equal("3", row[Array.IndexOf(header, "allowed_imsis")]);
        Assert.Equal("73", row[Array.IndexOf(header, "overlap_days")]);
        Assert.Equal("independent-use", row[Array.IndexOf(header, "rule")]);

        var json = await Infrastructure.Cli.RunAsync(db, "clones", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var item = Assert.Single(document.RootElement.EnumerateArray().ToList());
        Assert.Equal("01234567890123", item.GetProperty("imei").GetString());
        Assert.Equal(3, item.GetProperty("distinctImsis").GetInt32());
        Assert.Equal("2026-03-01", item.GetProperty("firstSeen").GetString());

        var bad = await Infrastructure.Cli.RunAsync(db, "clones", "--format", "xml");
        Assert.Equal(2, bad.ExitCode);
    }
}
