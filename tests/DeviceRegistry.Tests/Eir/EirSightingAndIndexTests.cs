using DeviceRegistry.Web.Eir;
using System.Net;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static DeviceRegistry.Tests.Eir.EirDecisionTests;

namespace DeviceRegistry.Tests.Eir;

public sealed class EirSightingAndIndexTests
{
    private const long NewDevice = 35100000000031;
    private const long SeenInFile = 35100000000032;
    private const long Clone = 49015420323751;
    private const long Registered = 26053179311383;
    private const string HomeSim = "400011234567890";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_check_is_recorded_as_a_sighting_of_the_calling_operator_and_starts_the_window(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db);

        using var first = await host.CheckAsync(Pei(NewDevice), Supi(HomeSim), "msisdn-994501234567");
        Assert.Contains("GREYLISTED", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var roaming = await host.CheckAsync(Pei(NewDevice), "imsi-250991234567890");
        Assert.Equal(HttpStatusCode.OK, roaming.StatusCode);

        var sightings = await WaitForRowsAsync(db, $"SELECT imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn FROM sightings WHERE imei = {NewDevice} ORDER BY imsi", 2);
        // 20 May 2026: month 202605, bit 19 (day 20) set = 524288.
        Assert.Equal(["250991234567890", host.OperatorId.ToString(), "202605", "524288", "2026-05-20", "2026-05-20", "null"], sightings[0].Select(Sql.Text));
        Assert.Equal([HomeSim, host.OperatorId.ToString(), "202605", "524288", "2026-05-20", "2026-05-20", "994501234567"], sightings[1].Select(Sql.Text));
        var seen = await WaitForRowsAsync(db, $"SELECT first_seen, last_seen, first_home_seen FROM seen_imeis WHERE imei = {NewDevice}", 1);
        Assert.Equal(["2026-05-20", "2026-05-20", "2026-05-20"], seen[0].Select(Sql.Text));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_the_merge_deferred_checks_are_appended_queued_for_detection_and_rolled_up_as_the_merge_would(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using (var host = await EirTestHost.StartAsync(db, new Dictionary<string, string?> { ["Sightings:DeferMerge"] = "true" }))
        {
            using var first = await host.CheckAsync(Pei(NewDevice), Supi(HomeSim), "msisdn-994501234567");
            Assert.Contains("GREYLISTED", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var roaming = await host.CheckAsync(Pei(NewDevice), "imsi-250991234567890");
            Assert.Equal(HttpStatusCode.OK, roaming.StatusCode);

            var pending = await WaitForRowsAsync(db, $"SELECT imsi, operator_id, day, msisdn FROM sightings_pending WHERE imei = {NewDevice} ORDER BY imsi", 2);
            Assert.Equal(["250991234567890", host.OperatorId.ToString(), "2026-05-20", "null"], pending[0].Select(Sql.Text));
            Assert.Equal([HomeSim, host.OperatorId.ToString(), "2026-05-20", "994501234567"], pending[1].Select(Sql.Text));
            Assert.Empty(await Sql.QueryAsync(db.Database, $"SELECT imei FROM sightings WHERE imei = {NewDevice}"));
            Assert.Empty(await Sql.QueryAsync(db.Database, $"SELECT imei FROM seen_imeis WHERE imei = {NewDevice}"));
            var queued = await Sql.QueryAsync(db.Database, "SELECT imei FROM clone_detection_queue");
            Assert.Equal([NewDevice.ToString()], queued.Select(r => Sql.Text(r[0])));
            // The window the first check started holds in the index (no read-back of a store that has no start yet).
            Assert.Equal("GREYLISTED", await AnswerAsync(host, Pei(NewDevice), Supi(HomeSim)));
        }

        var rollUp = await Infrastructure.Cli.RunAsync(db, "roll-up");

        Assert.True(rollUp.ExitCode == 0, rollUp.Error + rollUp.Out);
        Assert.Contains("roll-up: 3 pending sightings folded", rollUp.Out, StringComparison.Ordinal);
        var sightings = await Sql.QueryAsync(db.Database, $"SELECT imsi, month, day_mask, first_seen, last_seen, msisdn FROM sightings WHERE imei = {NewDevice} ORDER BY imsi");
        Assert.Equal(["250991234567890", "202605", "524288", "2026-05-20", "2026-05-20", "null"], sightings[0].Select(Sql.Text));
        Assert.Equal([HomeSim, "202605", "524288", "2026-05-20", "2026-05-20", "994501234567"], sightings[1].Select(Sql.Text));
        var seen = await Sql.QueryAsync(db.Database, $"SELECT first_seen, last_seen, first_home_seen FROM seen_imeis WHERE imei = {NewDevice}");
        Assert.Equal(["2026-05-20", "2026-05-20", "2026-05-20"], seen.Single().Select(Sql.Text));
        Assert.Empty(await Sql.QueryAsync(db.Database, "SELECT imei FROM sightings_pending"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Repeated_checks_of_one_sim_on_one_day_are_written_once_and_a_new_sim_still_is(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db);
        var writer = host.Get<SightingBatchWriter>();

        for (var i = 0; i < 20; i++)
        {
            using var again = await host.CheckAsync(Pei(NewDevice), Supi(HomeSim), "msisdn-994501234567");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using var otherSim = await host.CheckAsync(Pei(NewDevice), Supi("400029876543210"));
        Assert.Equal(HttpStatusCode.OK, otherSim.StatusCode);

        // The first check (which started the window) and the other SIM's are written; 19 repeats are not.
        Assert.Equal(19, writer.Repeated);
        var rows = await WaitForRowsAsync(db, $"SELECT imsi, day_mask FROM sightings WHERE imei = {NewDevice} ORDER BY imsi", 2);
        Assert.Equal([HomeSim, "524288"], rows[0].Select(Sql.Text));
        Assert.Equal(["400029876543210", "524288"], rows[1].Select(Sql.Text));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_earlier_file_sighting_replaces_the_window_start_a_check_guessed(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db);
        // A file loaded after the index started says the device was first seen on 1 April: its window is over.
        await Sql.SeenAsync(db, SeenInFile, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 1));

        using var guess = await host.CheckAsync(Pei(SeenInFile), Supi(HomeSim));
        Assert.Contains("GREYLISTED", await guess.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var answer = await WaitForAnswerAsync(host, Pei(SeenInFile), Supi(HomeSim), "BLACKLISTED");
        Assert.Equal("BLACKLISTED", answer);
        var seen = await Sql.QueryAsync(db.Database, $"SELECT first_home_seen FROM seen_imeis WHERE imei = {SeenInFile}");
        Assert.Equal("2026-04-01", Sql.Text(seen.Single()[0]));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sightings_waiting_in_the_buffer_are_written_on_a_clean_shutdown(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var host = await EirTestHost.StartAsync(db, new Dictionary<string, string?>
        {
            ["Eir:SightingFlushMilliseconds"] = "600000",
            ["Eir:SightingBatchSize"] = "100000",
        });
        await using (host)
        {
            for (var i = 0; i < 50; i++)
            {
                using var response = await host.CheckAsync(Pei(NewDevice + i), Supi(HomeSim));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var before = await Sql.QueryAsync(db.Database, "SELECT COUNT(*) FROM sightings");
            Assert.Equal("0", Sql.Text(before.Single()[0]));
            await host.StopAsync();
        }

        var after = await Sql.QueryAsync(db.Database, "SELECT COUNT(*) FROM sightings");
        Assert.Equal("50", Sql.Text(after.Single()[0]));
        var seen = await Sql.QueryAsync(db.Database, "SELECT COUNT(*) FROM seen_imeis WHERE first_home_seen IS NOT NULL");
        Assert.Equal("50", Sql.Text(seen.Single()[0]));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_index_follows_changes_another_process_writes_to_imei_changes(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await Sql.SeenAsync(db, Clone, new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 10));
        await Sql.SeenAsync(db, Registered, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1));
        await using var host = await EirTestHost.StartAsync(db);
        Assert.Equal("GREYLISTED", await AnswerAsync(host, Pei(Clone), Supi("400029999999999")));
        Assert.Equal("BLACKLISTED", await AnswerAsync(host, Pei(Registered), Supi(HomeSim)));

        // Another process (its own connection) flags a clone and registers a device.
        await Sql.CloneAsync(db, Clone, HomeSim);
        await Sql.ChangeAsync(db, Clone, "clones");
        // The registration use cases append their own imei_changes rows.
        await Sql.DeviceStatusAsync(db, Registered, registered: true, blocked: false);

        Assert.Equal("BLACKLISTED", await WaitForAnswerAsync(host, Pei(Clone), Supi("400029999999999"), "BLACKLISTED"));
        Assert.Equal("WHITELISTED", await AnswerAsync(host, Pei(Clone), Supi(HomeSim)));
        Assert.Equal("WHITELISTED", await WaitForAnswerAsync(host, Pei(Registered), Supi(HomeSim), "WHITELISTED"));

        // The verdict lifted (an appeal approved): the window rules apply again.
        await Sql.ExecAsync(db.Database, $"UPDATE clone_statuses SET status = 'Cleared' WHERE imei = {Clone}");
        await Sql.ChangeAsync(db, Clone, "appeal");
        Assert.Equal("GREYLISTED", await WaitForAnswerAsync(host, Pei(Clone), Supi("400029999999999"), "GREYLISTED"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Checks_are_answered_from_memory_while_the_database_is_gone_and_readiness_says_so(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        await using (db)
        {
            await Sql.CloneAsync(db, Clone, HomeSim);
            await Sql.DeviceStatusAsync(db, Registered, registered: true, blocked: false);
            await Sql.SeenAsync(db, SeenInFile, new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 1));
            await using var host = await EirTestHost.StartAsync(db);
            Assert.Equal(HealthStatus.Healthy, (await host.HealthAsync()).Status);
            // The credential is verified once while the database is there.
            Assert.Equal("WHITELISTED", await AnswerAsync(host, Pei(Clone), Supi(HomeSim)));

            if (provider == DatabaseProvider.Sqlite)
            {
                SqliteConnection.ClearAllPools();
                var file = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
                foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                {
                    File.Delete(path);
                }

                // Without its folder the database cannot even be recreated empty.
                Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
            }
            else
            {
                PostgresCluster.DropDatabase(db.ConnectionString);
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            HealthReportEntry health;
            while (!(health = await host.HealthAsync()).Description!.Contains("from memory", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Equal(HealthStatus.Degraded, health.Status);
            Assert.Contains("from memory", health.Description, StringComparison.Ordinal);

            Assert.Equal("WHITELISTED", await AnswerAsync(host, Pei(Clone), Supi(HomeSim)));
            Assert.Equal("BLACKLISTED", await AnswerAsync(host, Pei(Clone), Supi("400029999999999")));
            Assert.Equal("WHITELISTED", await AnswerAsync(host, Pei(Registered), null));
            Assert.Equal("GREYLISTED", await AnswerAsync(host, Pei(SeenInFile), Supi(HomeSim)));
            Assert.Equal("GREYLISTED", await AnswerAsync(host, Pei(NewDevice), Supi(HomeSim)));
        }
    }

    private static async Task<string?> AnswerAsync(EirTestHost host, string pei, string? supi)
    {
        using var response = await host.CheckAsync(pei, supi);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return response.StatusCode == HttpStatusCode.OK
            ? json.RootElement.GetProperty("status").GetString()
            : json.RootElement.GetProperty("cause").GetString();
    }

    private static async Task<string?> WaitForAnswerAsync(EirTestHost host, string pei, string? supi, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? answer;
        while ((answer = await AnswerAsync(host, pei, supi)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return answer;
    }

    internal static async Task<List<object?[]>> WaitForRowsAsync(TestDatabase db, string sql, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<object?[]> rows;
        while ((rows = await Sql.QueryAsync(db.Database, sql)).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(count, rows.Count);
        return rows;
    }
}
