using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Eir.Diameter;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir.Diameter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeviceRegistry.Tests.Eir.Diameter;

/// <summary>The EIR as a Diameter S13 peer (docs/eir.md, "Diameter S13"), over loopback with the MME-like test client.</summary>
public sealed class S13PeerTests
{
    public const string PeerOperator = "Bakcell";

    private const long Registered = EirDecisionTests.Registered;
    private const long NeverSeen = EirDecisionTests.NeverSeen;
    private const long NeverSeenToo = EirDecisionTests.NeverSeenToo;
    private const string GenuineSim = EirDecisionTests.GenuineSim;
    private const string OtherHomeSim = EirDecisionTests.OtherHomeSim;
    private const string RoamingSim = EirDecisionTests.RoamingSim;

    /// <summary>The settings of a host whose S13 peer listens on a free loopback port and accepts the test client as <see cref="PeerOperator"/>.</summary>
    public static Dictionary<string, string?> PeerSettings(string peerHost = DiameterTestClient.Host, string peerRealm = DiameterTestClient.Realm) => new()
    {
        ["Eir:Diameter:Enabled"] = "true",
        ["Eir:Diameter:Port"] = "0",
        ["Eir:Diameter:OriginHost"] = "eir.registry.test",
        ["Eir:Diameter:OriginRealm"] = "registry.test",
        ["Eir:Diameter:Peers:0:OriginHost"] = peerHost,
        ["Eir:Diameter:Peers:0:OriginRealm"] = peerRealm,
        ["Eir:Diameter:Peers:0:Operator"] = PeerOperator,
    };

    /// <summary>A host (SQLite) with the peer's operator; the N5g-eir operator is EirTestHost's Azercell.</summary>
    public static async Task<EirTestHost> StartHostAsync(TestDatabase db, Dictionary<string, string?>? settings = null)
    {
        var cli = await Infrastructure.Cli.RunAsync(db, "operator", "add", PeerOperator);
        Assert.True(cli.ExitCode == 0, cli.Error);
        return await EirTestHost.StartAsync(db, settings ?? PeerSettings());
    }

    private static async Task<DiameterTestClient> ConnectedAsync(EirTestHost host)
    {
        var client = await DiameterTestClient.ConnectAsync(host.Get<DiameterPeerService>().Port);
        var cea = await client.ExchangeCapabilitiesAsync();
        Assert.Equal(DiameterCodes.Success, cea.ResultCode);
        return client;
    }

    [Fact]
    public async Task Every_case_of_the_decision_table_gets_the_same_answer_over_S13_as_over_N5g_eir_and_is_a_sighting_of_the_peers_operator()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await EirDecisionTests.SeedDecisionTableAsync(db);
        await using var host = await StartHostAsync(db);
        await using var client = await ConnectedAsync(host);

        var failures = new List<string>();
        foreach (var c in EirDecisionTests.DecisionTable)
        {
            using var response = await host.CheckAsync(c.Pei, c.Supi);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var overHttp = response.StatusCode == HttpStatusCode.OK
                ? json.RootElement.GetProperty("status").GetString()
                : json.RootElement.GetProperty("cause").GetString();
            // Over S13 the IMEI is its 14 digits (TAC and SNR), an IMEISV's 2 last digits the Software-Version, the IMSI the User-Name.
            var digits = c.Pei[(c.Pei.IndexOf('-', StringComparison.Ordinal) + 1)..];
            var eca = await client.CheckAsync(digits[..14], c.Supi?["imsi-".Length..], c.Pei.StartsWith("imeisv-", StringComparison.Ordinal) ? digits[14..] : null);
            var overS13 = (eca.ResultCode, eca.ExperimentalVendor, eca.ExperimentalResultCode, eca.EquipmentStatus) switch
            {
                (2001u, null, null, 0u) => "WHITELISTED",
                (2001u, null, null, 1u) => "BLACKLISTED",
                (2001u, null, null, 2u) => "GREYLISTED",
                (null, 10415u, 5422u, null) => "ERROR_EQUIPMENT_UNKNOWN",
                _ => DiameterTestClient.Describe(eca),
            };
            if (response.StatusCode != c.Code || overHttp != c.Expected || overS13 != c.Expected)
            {
                failures.Add($"{c.Case}: expected {c.Expected}, N5g-eir {overHttp}, S13 {overS13}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // A first home sighting over S13 starts the registration window as one over N5g-eir does.
        const long FirstOverS13 = 35100000000015;
        var first = await client.CheckAsync(Key(FirstOverS13), OtherHomeSim);
        Assert.Equal((2001u, 2u), (first.ResultCode, first.EquipmentStatus));
        using (var after = await host.CheckAsync(Pei(FirstOverS13)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal("{\"status\":\"GREYLISTED\"}", await after.Content.ReadAsStringAsync());
        }

        await EirSightingAndIndexTests.WaitForRowsAsync(db,
            $"SELECT imei FROM seen_imeis WHERE imei = {FirstOverS13} AND first_home_seen IS NOT NULL", 1);

        // Each check with an IMSI is a sighting of the checking operator: the S13 ones of the peer's.
        var peerOperator = await OperatorIdAsync(db, PeerOperator);
        var rows = await EirSightingAndIndexTests.WaitForRowsAsync(db,
            $"SELECT imsi FROM sightings WHERE imei = {NeverSeen} AND operator_id = {peerOperator}", 1);
        Assert.Equal(OtherHomeSim, Sql.Text(rows[0][0]));
        var cloneRows = await EirSightingAndIndexTests.WaitForRowsAsync(db,
            $"SELECT imsi FROM sightings WHERE imei = {EirDecisionTests.Clone} AND operator_id = {peerOperator} ORDER BY imsi", 3);
        Assert.Equal([RoamingSim, GenuineSim, OtherHomeSim], cloneRows.Select(r => Sql.Text(r[0])).ToArray());
        var httpRows = await EirSightingAndIndexTests.WaitForRowsAsync(db,
            $"SELECT imsi FROM sightings WHERE imei = {NeverSeen} AND operator_id = {host.OperatorId}", 1);
        Assert.Equal(OtherHomeSim, Sql.Text(httpRows[0][0]));
    }

    [Fact]
    public async Task Capabilities_exchange_advertises_S13_and_answers_watchdogs_and_disconnects()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await StartHostAsync(db);
        await using var client = await DiameterTestClient.ConnectAsync(host.Get<DiameterPeerService>().Port);

        var cea = await client.ExchangeCapabilitiesAsync();
        Assert.Equal((DiameterCodes.CapabilitiesExchange, false, false), (cea.Header.CommandCode, cea.Header.IsRequest, cea.Header.IsError));
        Assert.Equal(DiameterCodes.Success, cea.ResultCode);
        Assert.Equal("eir.registry.test", cea.OriginHost);
        Assert.True(cea.AdvertisesS13);

        for (var i = 0; i < 2; i++)
        {
            var dwa = await client.WatchdogAsync();
            Assert.Equal((DiameterCodes.DeviceWatchdog, DiameterCodes.Success), (dwa.Header.CommandCode, dwa.ResultCode));
        }

        var dpa = await client.DisconnectAsync();
        Assert.Equal((DiameterCodes.DisconnectPeer, DiameterCodes.Success), (dpa.Header.CommandCode, dpa.ResultCode));
        Assert.True(await client.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task An_unknown_peer_is_refused_with_DIAMETER_UNKNOWN_PEER_and_closed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await StartHostAsync(db);
        await using var client = await DiameterTestClient.ConnectAsync(host.Get<DiameterPeerService>().Port, "mme9.other.example", "other.example");

        var cea = await client.ExchangeCapabilitiesAsync();
        Assert.Equal((3010u, true), (cea.ResultCode, cea.Header.IsError));
        Assert.True(await client.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task A_peer_advertising_only_other_applications_gets_DIAMETER_NO_COMMON_APPLICATION()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await StartHostAsync(db);
        await using var client = await DiameterTestClient.ConnectAsync(host.Get<DiameterPeerService>().Port);

        var cea = await client.ExchangeCapabilitiesAsync(16777251); // S6a only
        Assert.Equal(5010u, cea.ResultCode);
        Assert.True(await client.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task Many_pipelined_checks_are_all_answered_with_their_own_hop_by_hop_and_end_to_end_ids()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await Sql.DeviceStatusAsync(db, Registered, registered: true, blocked: false);
        await using var host = await StartHostAsync(db);
        await using var client = await ConnectedAsync(host);

        const int count = 500;
        for (uint i = 0; i < count; i++)
        {
            client.WriteEcr(Key(Registered), OtherHomeSim, null, 0x7000_0000 + i);
        }

        await client.FlushAsync();
        var seen = new HashSet<uint>();
        for (var i = 0; i < count; i++)
        {
            var eca = await client.ReadAnswerAsync();
            Assert.Equal((2001u, 0u), (eca.ResultCode, eca.EquipmentStatus));
            Assert.Equal(eca.Header.HopByHop ^ 0x5a5a0000, eca.Header.EndToEnd);
            Assert.Equal($"{DiameterTestClient.Host};1;{eca.Header.HopByHop}", eca.SessionId);
            Assert.True(seen.Add(eca.Header.HopByHop));
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => 0x7000_0000u + (uint)i).ToHashSet(), seen);
    }

    [Fact]
    public async Task Bad_requests_get_their_base_protocol_error_and_the_connection_stays_up()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await StartHostAsync(db);
        await using var client = await ConnectedAsync(host);

        // An unsupported command (Update-Location of S6a): 3001 with the E bit.
        client.WriteBaseRequest(316, DiameterCodes.S13);
        await client.FlushAsync();
        var unsupported = await client.ReadAnswerAsync();
        Assert.Equal((316, 3001u, true), (unsupported.Header.CommandCode, unsupported.ResultCode, unsupported.Header.IsError));

        // No Terminal-Information: 5005 naming it in Failed-AVP.
        client.WriteEcr("35761300444848", GenuineSim, null, 77, withTerminalInformation: false);
        await client.FlushAsync();
        var missing = await client.ReadAnswerAsync();
        Assert.Equal((5005u, DiameterCodes.TerminalInformation, 77u), (missing.ResultCode, missing.FailedAvpCode, missing.Header.HopByHop));
        Assert.False(missing.Header.IsError);

        // An IMEI of letters, one of 13 digits, an IMSI of 16 digits: 5004 naming the AVP.
        var letters = await client.CheckAsync("3576130044484X", GenuineSim);
        Assert.Equal((5004u, DiameterCodes.Imei), (letters.ResultCode, letters.FailedAvpCode));
        var shortImei = await client.CheckAsync("3576130044484", GenuineSim);
        Assert.Equal((5004u, DiameterCodes.Imei), (shortImei.ResultCode, shortImei.FailedAvpCode));
        var longImsi = await client.CheckAsync("35761300444848", "4000112345678901");
        Assert.Equal((5004u, DiameterCodes.UserName), (longImsi.ResultCode, longImsi.FailedAvpCode));

        // An AVP the ECR does not carry: with the M bit 5001 DIAMETER_AVP_UNSUPPORTED naming it (RFC 6733 4.1), without it
        // ignored; a Route-Record (M bit) a relay added, and a Terminal-Information part of another kind, as the grammar has them.
        client.WriteEcr("35761300999999", GenuineSim, null, 78, extra: w => w.Unsigned32(9999, 1));
        await client.FlushAsync();
        var unsupportedAvp = await client.ReadAnswerAsync();
        Assert.Equal((5001u, 9999, 78u), (unsupportedAvp.ResultCode, unsupportedAvp.FailedAvpCode, unsupportedAvp.Header.HopByHop));
        client.WriteEcr("35761300999999", GenuineSim, null, 79, extra: w => w.Unsigned32(9999, 1, flags: 0));
        await client.FlushAsync();
        Assert.Equal(2001u, (await client.ReadAnswerAsync()).ResultCode);
        client.WriteEcr("35761300999999", GenuineSim, null, 80, extra: w => w.Utf8(DiameterCodes.RouteRecord, "dra1.epc.mnc001.mcc400.3gppnetwork.org"));
        await client.FlushAsync();
        Assert.Equal(2001u, (await client.ReadAnswerAsync()).ResultCode);
        client.WriteEcr("35761300999999", GenuineSim, null, 81, extra: w =>
        {
            var terminal = w.BeginGrouped(DiameterCodes.TerminalInformation, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            w.Utf8(1404, "x", DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            w.EndGrouped(terminal);
        });
        await client.FlushAsync();
        var unsupportedPart = await client.ReadAnswerAsync();
        Assert.Equal((5001u, 1404), (unsupportedPart.ResultCode, unsupportedPart.FailedAvpCode));

        // ECR whose Destination-Realm AVP claims 7 bytes (under the 8 of its header): 5014 DIAMETER_INVALID_AVP_LENGTH.
        byte[] badAvp =
        [
            0x01, 0x00, 0x00, 0x24, 0xc0, 0x00, 0x01, 0x44, 0x01, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x09,
            0x00, 0x00, 0x01, 0x1b, 0x40, 0x00, 0x00, 0x07, 0x61, 0x62, 0x63, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        var invalidLength = await client.SendRawAsync(badAvp);
        Assert.Equal((5014u, DiameterCodes.DestinationRealm, 9u), (invalidLength.ResultCode, invalidLength.FailedAvpCode, invalidLength.Header.HopByHop));

        // Version 2 of a well-framed DWR: 5011 DIAMETER_UNSUPPORTED_VERSION, and the message skipped.
        byte[] version2 =
        [
            0x02, 0x00, 0x00, 0x14, 0x80, 0x00, 0x01, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x0a,
        ];
        var badVersion = await client.SendRawAsync(version2);
        Assert.Equal((5011u, 10u), (badVersion.ResultCode, badVersion.Header.HopByHop));

        // After all of that the connection still answers checks.
        var ok = await client.CheckAsync("35761300444848", null);
        Assert.Equal((null, 10415u, 5422u), (ok.ResultCode, ok.ExperimentalVendor, ok.ExperimentalResultCode));
        var withCheckDigit = await client.CheckAsync("357613004448485", RoamingSim);
        Assert.Equal((2001u, 0u), (withCheckDigit.ResultCode, withCheckDigit.EquipmentStatus));
        var dwa = await client.WatchdogAsync();
        Assert.Equal(DiameterCodes.Success, dwa.ResultCode);
    }

    [Fact]
    public async Task A_message_length_that_loses_the_framing_is_answered_5015_and_the_connection_closed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await StartHostAsync(db);
        await using var client = await ConnectedAsync(host);

        // Length 22: not a multiple of 4.
        byte[] bad = [0x01, 0x00, 0x00, 0x16, 0x80, 0x00, 0x01, 0x18, 0, 0, 0, 0, 0, 0, 0, 0x0b, 0, 0, 0, 0x0b, 0, 0];
        var answer = await client.SendRawAsync(bad);
        Assert.Equal((5015u, 11u), (answer.ResultCode, answer.Header.HopByHop));
        Assert.True(await client.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task Checks_are_answered_DIAMETER_TOO_BUSY_while_the_EIR_sheds_load()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = PeerSettings();
        settings["Eir:MaxChecksPerOperatorPerSecond"] = "1";
        settings["Eir:MaxChecksPerOperatorBurst"] = "1";
        await using var host = await StartHostAsync(db, settings);
        await using var client = await ConnectedAsync(host);

        var first = await client.CheckAsync(Key(NeverSeenToo), RoamingSim);
        Assert.Equal((2001u, 0u), (first.ResultCode, first.EquipmentStatus));
        var second = await client.CheckAsync(Key(NeverSeenToo), RoamingSim);
        Assert.Equal(5012u, second.ResultCode);
        Assert.False(second.Header.IsError);
    }

    [Fact]
    public async Task A_full_sightings_queue_answers_DIAMETER_TOO_BUSY_and_records_nothing_until_it_drains()
    {
        // As EirOverloadTests: capacity 100, refused from 90 pending; the sink holds every write until opened.
        var settings = PeerSettings();
        settings["Jobs:Enabled"] = "false";
        settings["Eir:SightingBufferCapacity"] = "100";
        settings["Eir:SightingBatchSize"] = "10";
        settings["Eir:SightingFlushMilliseconds"] = "600000";
        settings["Eir:MaxBatchChecks"] = "10";
        await using var web = await DeviceRegistry.Tests.Web.RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, settings);
        var sink = new EirOverloadTests.HeldSink();
        web.ServiceOverrides = services =>
        {
            services.RemoveAll<ISightingSink>();
            services.AddSingleton<ISightingSink>(sp =>
            {
                sink.Inner = ActivatorUtilities.CreateInstance<SqlSightingSink>(sp);
                return sink;
            });
        };
        var cli = await Infrastructure.Cli.RunAsync(web.Database, "operator", "add", PeerOperator);
        Assert.True(cli.ExitCode == 0, cli.Error);
        var checker = web.Services.GetRequiredService<DeviceRegistry.Web.Eir.EirChecker>();
        await EirOverloadTests.WaitUntilAsync(() => checker.IsReady, "the EIR index to load");
        var writer = web.Services.GetRequiredService<DeviceRegistry.Web.Eir.SightingBatchWriter>();
        await using var client = await DiameterTestClient.ConnectAsync(web.Services.GetRequiredService<DiameterPeerService>().Port);
        Assert.Equal(DiameterCodes.Success, (await client.ExchangeCapabilitiesAsync()).ResultCode);

        string Sim(int i) => "40001" + i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 90; i++)
        {
            var ok = await client.CheckAsync(Key(Registered), Sim(i));
            Assert.Equal(2001u, ok.ResultCode);
        }

        Assert.Equal(90, writer.Pending);
        var busy = await client.CheckAsync(Key(Registered), Sim(90));
        Assert.Equal((3004u, true, (uint?)null), (busy.ResultCode, busy.Header.IsError, busy.EquipmentStatus));
        Assert.Equal(90, writer.Pending);
        Assert.Equal(1, web.Services.GetRequiredService<DeviceRegistry.Web.Eir.EirAdmission>().ShedBySightingQueue);

        sink.Open();
        await EirOverloadTests.WaitUntilAsync(() => writer.Pending == 0, "the held sightings to be written");
        var again = await client.CheckAsync(Key(Registered), Sim(91));
        Assert.Equal(2001u, again.ResultCode);
    }

    [Fact]
    public async Task The_host_stops_promptly_with_peers_connected()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await StartHostAsync(db);
        await using var client = await ConnectedAsync(host);
        await using var idle = await DiameterTestClient.ConnectAsync(host.Get<DiameterPeerService>().Port);

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stopped in {stopwatch.Elapsed}");
        Assert.True(await client.IsClosedByPeerAsync());
        Assert.True(await idle.IsClosedByPeerAsync());
    }

    [Fact]
    public void Peer_settings_are_checked_at_start_naming_each_key()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Eir:Diameter:Enabled"] = "true",
            ["Eir:Diameter:Address"] = "localhost",
            ["Eir:Diameter:Port"] = "70000",
            ["Eir:Diameter:OriginRealm"] = "bad realm",
            ["Eir:Diameter:Peers:0:OriginHost"] = "mme1.example",
            ["Eir:Diameter:Peers:0:Operator"] = "Azercell",
            ["Eir:Diameter:Peers:0:Colour"] = "blue",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var error = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section));
        Assert.Contains(error.Problems, p => p.StartsWith("Eir:Diameter:Peers:0:Colour is not a setting", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Eir:Diameter:Peers:0:OriginRealm is missing", StringComparison.Ordinal));

        settings.Remove("Eir:Diameter:Peers:0:Colour");
        settings["Eir:Diameter:Peers:0:OriginRealm"] = "example";
        configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        error = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section));
        Assert.Equal(
            [
                "Eir:Diameter:Address is 'localhost'; it must be an IP address such as 127.0.0.1 or ::1 (0.0.0.0 for every interface)",
                "Eir:Diameter:Port is 70000; it must be between 1 and 65535 (3868 is Diameter's), or 0 for a free port",
                "Eir:Diameter:OriginHost is required when Eir:Diameter:Enabled is true (the EIR's own Diameter identity, e.g. eir.registry.example)",
                "Eir:Diameter:OriginRealm is 'bad realm'; it must be a DiameterIdentity (letters, digits, '-' and '.', e.g. eir.registry.example)",
            ],
            error.Problems);
    }

    internal static string Pei(long key) => "imei-" + new Imei(key).WithCheckDigit;

    internal static string Key(long key) => key.ToString("D14", System.Globalization.CultureInfo.InvariantCulture);

    internal static async Task<int> OperatorIdAsync(TestDatabase db, string name)
    {
        await using var context = db.CreateContext();
        return context.Operators.Single(o => o.Name == name).Id;
    }
}
