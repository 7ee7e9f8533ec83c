using System.Globalization;
using System.Net.Http.Headers;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Sightings;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Clones;

/// <summary>
/// Continuous clone detection in the web host: IMEIs touched by an ingest in another process, or by EIR checks, are
/// evaluated by the host on its own, with the same verdicts a full <c>devreg detect</c> records.
/// </summary>
public sealed class ContinuousDetectionTests
{
    private const string CloneImei = "35332510000042";
    private const string NumberChangeImei = "35332510000059";
    private const string Genuine = "400011111111111";
    private const string Copy = "400022222222222";
    private const string SecondCopy = "400043333333333";
    private const string OldNumber = "400014444444444";
    private const string NewNumber = "400025555555555";

    // What the ingest-driven tests allow for a verdict: the two minutes.
    private static readonly TimeSpan FlagLimit = TimeSpan.FromMinutes(2);

    private static readonly Dictionary<string, string?> EverySecond = new() { ["Detection:ContinuousIntervalSeconds"] = "1" };

    private static long Key(string imei) => long.Parse(imei, CultureInfo.InvariantCulture);

    /// <summary>
    /// A clone (the genuine SIM daily for 92 days, a copy daily for the last 73, a second copy every other day for the
    /// last month), a number change with the old SIM lingering two days, and ten one-SIM phones, up to <paramref name="asOf"/>.
    /// </summary>
    private static List<string> AttachLog(DateOnly asOf)
    {
        var lines = new List<string> { "date,imei,imsi" };
        void Daily(string imei, string imsi, DateOnly from, DateOnly to, int every = 1)
        {
            for (var d = from; d <= to; d = d.AddDays(every))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{d:yyyyMMdd},{imei},{imsi}"));
            }
        }

        Daily(CloneImei, Genuine, asOf.AddDays(-91), asOf);
        Daily(CloneImei, Copy, asOf.AddDays(-72), asOf);
        Daily(CloneImei, SecondCopy, asOf.AddDays(-30), asOf, every: 2);
        Daily(NumberChangeImei, OldNumber, asOf.AddDays(-91), asOf.AddDays(-45));
        Daily(NumberChangeImei, NewNumber, asOf.AddDays(-46), asOf);
        for (var i = 0; i < 10; i++)
        {
            Daily((35_891_110_000_100 + i).ToString(CultureInfo.InvariantCulture), "40001900000000" + i.ToString(CultureInfo.InvariantCulture),
                asOf.AddDays(-91), asOf, every: 1 + (i % 3));
        }

        return lines;
    }

    private static async Task IngestAsync(TestDatabase db, string file)
    {
        var ingest = await Infrastructure.Cli.RunAsync(db, "ingest", file, "--operator", "Azercell");
        Assert.True(ingest.ExitCode == 0, ingest.Error + ingest.Out);
    }

    private static async Task<CloneStatus?> WaitForVerdictAsync(TestDatabase db, long imei, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            await using (var context = db.CreateContext())
            {
                var status = await context.Set<CloneStatus>().AsNoTracking().SingleOrDefaultAsync(s => s.Imei == imei);
                if (status is not null || DateTime.UtcNow > deadline)
                {
                    return status;
                }
            }

            await Task.Delay(200);
        }
    }

    private static async Task<List<QueuedImei>> QueueAsync(TestDatabase db) => await CloneDetectionQueue.ReadAsync(db.Database, CancellationToken.None);

    /// <summary>What a verdict recorded: the status row without its write time, the allowed pairs and the history rows.</summary>
    private static async Task<List<string>> VerdictsAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var rows = new List<string>();
        foreach (var s in await context.Set<CloneStatus>().AsNoTracking().OrderBy(s => s.Imei).ToListAsync())
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"status {s.Imei} {s.Status} since={s.Since} rule={s.Rule} imsis={s.DistinctImsis} days={s.DaysSeen} overlap={s.OverlapDays} share={s.OverlapShare} concurrent={s.ConcurrentDays} max={s.MaxDailyImsis} {s.FirstSeen}..{s.LastSeen} genuine={s.GenuineImsi} asOf={s.AsOf}"));
        }

        foreach (var p in await context.Set<CloneAllowedPair>().AsNoTracking().OrderBy(p => p.Imei).ThenBy(p => p.Imsi).ToListAsync())
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"pair {p.Imei} {p.Imsi} since={p.Since}"));
        }

        foreach (var h in await context.Set<CloneStatusChange>().AsNoTracking().OrderBy(h => h.Imei).ToListAsync())
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"history {h.Imei} {h.Status} asOf={h.AsOf} rule={h.Rule} reason={h.Reason}"));
        }

        rows.Add("imei_changes from clones: " + await context.ImeiChanges.CountAsync(c => c.Source == "clones"));
        return rows;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_ingest_in_another_process_is_flagged_by_the_running_host_as_a_full_detect_would_flag_it(DatabaseProvider provider)
    {
        var today = WebTestData.Today;
        using var kit = new IngestTestKit();
        var file = kit.WriteLines("azercell.csv", AttachLog(today));
        await using var web = await RegistryWebFactory.CreateAsync(provider, EverySecond);
        using var client = web.CreateClient(); // starts the host and its scheduler

        await IngestAsync(web.Database, file);
        var status = await WaitForVerdictAsync(web.Database, Key(CloneImei), FlagLimit);

        Assert.NotNull(status);
        Assert.Equal(CloneStatusValues.Clone, status.Status);
        Assert.Equal(today, status.AsOf); // the registry's today
        Assert.Equal(Genuine, status.GenuineImsi);
        Assert.Equal(3, status.DistinctImsis);

        // The run dequeues what it evaluated (right after recording the verdicts).
        for (var i = 0; i < 50 && (await QueueAsync(web.Database)).Count > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Empty(await QueueAsync(web.Database));

        // The same file, loaded elsewhere and judged by a full devreg detect, gives the very same rows.
        await using var full = await TestDatabase.CreateAsync(provider);
        await IngestAsync(full, file);
        var detect = await Infrastructure.Cli.RunAsync(full, "detect", "--as-of", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.True(detect.ExitCode == 0, detect.Error + detect.Out);
        var expected = await VerdictsAsync(full);
        Assert.Contains(expected, r => r.StartsWith("status " + CloneImei + " Clone", StringComparison.Ordinal));
        Assert.DoesNotContain(expected, r => r.StartsWith("status " + NumberChangeImei, StringComparison.Ordinal));
        Assert.Equal(expected, await VerdictsAsync(web.Database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Imeis_touched_while_the_host_was_down_are_evaluated_after_it_starts_again(DatabaseProvider provider)
    {
        var today = WebTestData.Today;
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = kit.WriteLines("azercell.csv", AttachLog(today));

        // A host with continuous detection off: the ingest is queued, nothing evaluates it.
        await using (var first = RegistryWebFactory.On(db, new Dictionary<string, string?> { ["Detection:Continuous"] = "false" }))
        {
            using var client = first.CreateClient();
            await IngestAsync(db, file);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Null(await WaitForVerdictAsync(db, Key(CloneImei), TimeSpan.Zero));
        }

        var queued = await QueueAsync(db);
        Assert.Equal(12, queued.Count);
        Assert.Contains(queued, q => q.Imei == Key(CloneImei));

        await using (var second = RegistryWebFactory.On(db, EverySecond))
        {
            using var secondClient = second.CreateClient();
            var status = await WaitForVerdictAsync(db, Key(CloneImei), FlagLimit);
            Assert.NotNull(status);
            Assert.Equal(CloneStatusValues.Clone, status.Status);
        }

        // Turned off again: the schedule the second host stored in the job store removes itself when it fires.
        Assert.Equal(1, await SimpleTriggersAsync(db));
        await using var third = RegistryWebFactory.On(db, new Dictionary<string, string?> { ["Detection:Continuous"] = "false" });
        using var thirdClient = third.CreateClient();
        var triggers = await SimpleTriggersAsync(db);
        for (var i = 0; i < 100 && triggers > 0; i++)
        {
            await Task.Delay(100);
            triggers = await SimpleTriggersAsync(db);
        }

        Assert.Equal(0, triggers);
    }

    private static async Task<int> SimpleTriggersAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.Database
            .SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM qrtz_triggers WHERE trigger_name = 'clone-detection-continuous'")
            .SingleAsync();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Devreg_detect_queued_evaluates_the_queue_by_hand_and_then_finds_it_empty(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = kit.WriteLines("azercell.csv", AttachLog(WebTestData.Today));
        await IngestAsync(db, file);

        var first = await Infrastructure.Cli.RunAsync(db, "detect", "--queued");
        var second = await Infrastructure.Cli.RunAsync(db, "detect", "--queued");
        var mixed = await Infrastructure.Cli.RunAsync(db, "detect", "--queued", "--as-of", "2026-01-01");

        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        Assert.Contains("IMEIs touched since the last evaluation: 12", first.Out, StringComparison.Ordinal);
        Assert.Contains("new clones: 1;", first.Out, StringComparison.Ordinal);
        Assert.NotNull(await WaitForVerdictAsync(db, Key(CloneImei), TimeSpan.Zero));
        Assert.True(second.ExitCode == 0, second.Error + second.Out);
        Assert.Contains("no IMEI touched since the last evaluation", second.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, mixed.ExitCode);
        Assert.Contains("leave out --as-of and --rules", mixed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_imei_touched_again_during_an_evaluation_stays_queued_for_the_next(DatabaseProvider provider)
    {
        using var kit = new IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var first = kit.WriteLines("first.csv", ["date,imei,imsi", $"20260301,{CloneImei},{Genuine}", $"20260301,{NumberChangeImei},{OldNumber}"]);
        var second = kit.WriteLines("second.csv", ["date,imei,imsi", $"20260302,{CloneImei},{Copy}"]);

        await IngestAsync(db, first);
        var read = await QueueAsync(db);
        Assert.Equal([Key(CloneImei), Key(NumberChangeImei)], read.Select(q => q.Imei).Order());

        await IngestAsync(db, second); // lands while the evaluation of what was read runs
        var removed = await CloneDetectionQueue.RemoveAsync(db.Database, read, CancellationToken.None);

        Assert.Equal(1, removed);
        var left = Assert.Single(await QueueAsync(db));
        Assert.Equal(Key(CloneImei), left.Imei);
        Assert.NotEqual(read.Single(q => q.Imei == Key(CloneImei)).Touch, left.Touch);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Copies_seen_only_through_eir_checks_are_flagged_and_the_eir_follows(DatabaseProvider provider)
    {
        const string simC = "400043333333333";
        var start = new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero);
        var clock = new RunningClock(start);
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Detection:ContinuousIntervalSeconds"] = "1",
            ["Eir:PollIntervalMilliseconds"] = "50",
            ["Eir:SightingFlushMilliseconds"] = "20",

            // Two IMEIs in the whole store: DIRBS's safety check (at most 10 % flagged) does not fit a test this small.
            ["CloneDetection:MaxFlaggedShare"] = "1",
        });
        web.Clock = clock;
        var logs = new CapturedLogs();
        web.Logs = logs;
        var added = await Infrastructure.Cli.RunAsync(web.Database, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        web.StartKestrel();
        using var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        // Four weeks of two subscribers on one IMEI every day, seen by nothing but the EIR's checks.
        for (var day = 0; day < 28; day++)
        {
            clock.Set(start.AddDays(day));
            Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(client, CloneImei, Genuine));
            Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(client, CloneImei, Copy));
        }

        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(client, NumberChangeImei, OldNumber));

        var status = await WaitForVerdictAsync(web.Database, Key(CloneImei), FlagLimit);
        Assert.True(status is not null, "no verdict; the host logged:\n" + string.Join("\n", logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warn", StringComparison.Ordinal) || l.StartsWith("Information DeviceRegistry", StringComparison.Ordinal) || l.Contains(" Quartz.Core", StringComparison.Ordinal)).Select(l => l.Length > 600 ? l[..600] : l).TakeLast(30)));
        Assert.Equal(CloneStatusValues.Clone, status.Status);
        Assert.Equal([Genuine, Copy], await AllowedAsync(web.Database, Key(CloneImei)));
        Assert.Null(await WaitForVerdictAsync(web.Database, Key(NumberChangeImei), TimeSpan.Zero));

        // The running EIR follows the verdict: the SIMs already on it keep working, a new SIM is refused.
        var answer = await AttachChecksEndToEndTests.StatusAsync(client, CloneImei, simC);
        for (var i = 0; i < 100 && answer != "BLACKLISTED"; i++)
        {
            await Task.Delay(100);
            answer = await AttachChecksEndToEndTests.StatusAsync(client, CloneImei, simC);
        }

        Assert.Equal("BLACKLISTED", answer);
        Assert.Equal("WHITELISTED", await AttachChecksEndToEndTests.StatusAsync(client, CloneImei, Genuine));
    }

    [Fact]
    public async Task Copies_seen_only_through_s13_checks_are_flagged_and_the_s13_answers_follow()
    {
        const string simC = "400043333333333";
        var start = new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero);
        var clock = new RunningClock(start);
        var settings = DeviceRegistry.Tests.Eir.Diameter.S13PeerTests.PeerSettings();
        settings["Detection:ContinuousIntervalSeconds"] = "1";
        settings["Eir:PollIntervalMilliseconds"] = "50";
        settings["Eir:SightingFlushMilliseconds"] = "20";
        settings["CloneDetection:MaxFlaggedShare"] = "1"; // two IMEIs in the whole store, as above
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, settings);
        web.Clock = clock;
        var added = await Infrastructure.Cli.RunAsync(web.Database, "operator", "add", DeviceRegistry.Tests.Eir.Diameter.S13PeerTests.PeerOperator);
        Assert.True(added.ExitCode == 0, added.Error);
        using var client = web.CreateClient();
        await using var mme = await DeviceRegistry.Tests.Eir.Diameter.DiameterTestClient.ConnectAsync(
            web.Services.GetRequiredService<DeviceRegistry.Web.Eir.Diameter.DiameterPeerService>().Port);
        Assert.Equal(2001u, (await mme.ExchangeCapabilitiesAsync()).ResultCode);
        async Task<uint?> StatusAsync(string imei, string imsi)
        {
            var eca = await mme.CheckAsync(imei, imsi);
            Assert.Equal(2001u, eca.ResultCode);
            return eca.EquipmentStatus;
        }

        // Four weeks of two subscribers on one IMEI every day, seen by nothing but an MME's ME-Identity-Checks.
        for (var day = 0; day < 28; day++)
        {
            clock.Set(start.AddDays(day));
            Assert.Equal(2u, await StatusAsync(CloneImei, Genuine));
            Assert.Equal(2u, await StatusAsync(CloneImei, Copy));
        }

        Assert.Equal(2u, await StatusAsync(NumberChangeImei, OldNumber));

        var status = await WaitForVerdictAsync(web.Database, Key(CloneImei), FlagLimit);
        Assert.True(status is not null, "no verdict for a clone seen only over S13");
        Assert.Equal(CloneStatusValues.Clone, status.Status);
        Assert.Equal([Genuine, Copy], await AllowedAsync(web.Database, Key(CloneImei)));
        Assert.Null(await WaitForVerdictAsync(web.Database, Key(NumberChangeImei), TimeSpan.Zero));

        // The S13 answers follow the verdict: the SIMs already on it keep working (0), a new SIM is refused (1).
        var answer = await StatusAsync(CloneImei, simC);
        for (var i = 0; i < 100 && answer != 1u; i++)
        {
            await Task.Delay(100);
            answer = await StatusAsync(CloneImei, simC);
        }

        Assert.Equal(1u, answer);
        Assert.Equal(0u, await StatusAsync(CloneImei, Genuine));
    }

    [Fact]
    public void A_bad_interval_fails_the_start_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Detection:ContinuousIntervalSeconds"] = "0" })
            .Build();

        var ex = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<DetectionSettings>(configuration, DetectionSettings.Section));

        Assert.Contains(ex.Problems, p => p.StartsWith("Detection:ContinuousIntervalSeconds is 0;", StringComparison.Ordinal));
    }

    private static async Task<List<string>> AllowedAsync(TestDatabase db, long imei)
    {
        await using var context = db.CreateContext();
        return await context.Set<CloneAllowedPair>().Where(p => p.Imei == imei).OrderBy(p => p.Imsi).Select(p => p.Imsi).ToListAsync();
    }
}

/// <summary>
/// A clock a test sets forward day by day and that keeps running from there: the host's scheduler (Quartz reads the
/// host's TimeProvider) needs time to pass to fire a job every second.
/// </summary>
internal sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly global::System.Diagnostics.Stopwatch sinceSet = global::System.Diagnostics.Stopwatch.StartNew();
    private DateTimeOffset set = start;

    public void Set(DateTimeOffset now)
    {
        lock (sinceSet)
        {
            set = now;
            sinceSet.Restart();
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (sinceSet)
        {
            return set + sinceSet.Elapsed;
        }
    }
}
