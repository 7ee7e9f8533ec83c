using System.Net;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Eir;

public sealed class EirDecisionTests
{
    // The worked valid IMEIs of docs/reference.md (260531793113837 is 3GPP TS 23.003's own), keyed on their first 14 digits.
    internal const long Blocked = 35761300444848;          // 357613004448485
    internal const long BlockedAndRegistered = 35293600134977; // 352936001349777
    internal const long Clone = 49015420323751;            // 490154203237518
    internal const long Registered = 26053179311383;       // 260531793113837
    internal const long InsideWindow = 35100000000011;
    internal const long WindowOver = 35100000000012;
    internal const long NeverSeen = 35100000000013;
    internal const long NeverSeenToo = 35100000000014;

    internal const string GenuineSim = "400011234567890";
    internal const string OtherHomeSim = "400029876543210";
    internal const string RoamingSim = "250991234567890";

    internal static string Pei(long key) => "imei-" + new Imei(key).WithCheckDigit;

    internal static string Supi(string imsi) => "imsi-" + imsi;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_decision_branch_answers_as_the_rules_say(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedDecisionTableAsync(db);
        await using var host = await EirTestHost.StartAsync(db);

        var cases = DecisionTable;

        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var response = await host.CheckAsync(c.Pei, c.Supi);
            var body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var answer = response.StatusCode == HttpStatusCode.OK
                ? json.RootElement.GetProperty("status").GetString()
                : json.RootElement.GetProperty("cause").GetString();
            if (response.StatusCode != c.Code || answer != c.Expected)
            {
                failures.Add($"{c.Case}: expected {(int)c.Code} {c.Expected}, got {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The device states the decision table is about (also answered over S13 by S13PeerTests).</summary>
    internal static async Task SeedDecisionTableAsync(TestDatabase db)
    {
        await Sql.DeviceStatusAsync(db, Blocked, registered: false, blocked: true);
        await Sql.DeviceStatusAsync(db, BlockedAndRegistered, registered: true, blocked: true);
        await Sql.DeviceStatusAsync(db, Registered, registered: true, blocked: false);
        await Sql.CloneAsync(db, Clone, GenuineSim);
        // Today is 2026-05-20 and the window is 30 days: first seen on 21 April is day 30 of 30, on 20 April it is over.
        await Sql.SeenAsync(db, InsideWindow, new DateOnly(2026, 4, 21), new DateOnly(2026, 4, 21));
        await Sql.SeenAsync(db, WindowOver, new DateOnly(2026, 4, 20), new DateOnly(2026, 4, 20));
    }

    /// <summary>Every branch of the decision: the case, the PEI and SUPI of the check, the expected status and answer.</summary>
    internal static (string Case, string Pei, string? Supi, HttpStatusCode Code, string Expected)[] DecisionTable =>
    [
        ("blocked, home SIM", Pei(Blocked), Supi(GenuineSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("blocked, no SUPI", Pei(Blocked), null, HttpStatusCode.OK, "BLACKLISTED"),
        ("blocked beats registered", Pei(BlockedAndRegistered), Supi(GenuineSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("clone with its allowed SIM", Pei(Clone), Supi(GenuineSim), HttpStatusCode.OK, "WHITELISTED"),
        ("clone as IMEISV with its allowed SIM", "imeisv-4901542032375101", Supi(GenuineSim), HttpStatusCode.OK, "WHITELISTED"),
        ("clone with another home SIM", Pei(Clone), Supi(OtherHomeSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("clone with a roaming SIM", Pei(Clone), Supi(RoamingSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("clone without SUPI", Pei(Clone), null, HttpStatusCode.OK, "BLACKLISTED"),
        ("registered", Pei(Registered), Supi(OtherHomeSim), HttpStatusCode.OK, "WHITELISTED"),
        ("registered, no SUPI", Pei(Registered), null, HttpStatusCode.OK, "WHITELISTED"),
        ("inside its window (day 30 of 30)", Pei(InsideWindow), Supi(OtherHomeSim), HttpStatusCode.OK, "GREYLISTED"),
        ("inside its window, check digit sent as 0", "imei-351000000000110", Supi(OtherHomeSim), HttpStatusCode.OK, "GREYLISTED"),
        ("window over (31st day)", Pei(WindowOver), Supi(OtherHomeSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("window over, no SUPI", Pei(WindowOver), null, HttpStatusCode.OK, "BLACKLISTED"),
        // A window that ran out unregistered blocks the IMEI for every SIM, as the enforcement's block will: roamers too.
        ("window over, roaming SIM (the lapsed window outranks the roaming exemption)", Pei(WindowOver), Supi(RoamingSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("never seen, no SUPI", Pei(NeverSeenToo), null, HttpStatusCode.NotFound, "ERROR_EQUIPMENT_UNKNOWN"),
        ("never seen, roaming SIM", Pei(NeverSeenToo), Supi(RoamingSim), HttpStatusCode.OK, "WHITELISTED"),
        ("never seen, home SIM: first sighting", Pei(NeverSeen), Supi(OtherHomeSim), HttpStatusCode.OK, "GREYLISTED"),
        ("first sighting started the window, no SUPI now", Pei(NeverSeen), null, HttpStatusCode.OK, "GREYLISTED"),
        ("junk IMEI (all zeros)", "imei-000000000000000", Supi(OtherHomeSim), HttpStatusCode.OK, "BLACKLISTED"),
        ("junk IMEI (counting run)", "imei-123456789012347", Supi(OtherHomeSim), HttpStatusCode.OK, "BLACKLISTED"),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Policy_settings_change_the_answers_for_roamers_unknown_tacs_unseen_devices_and_clones_without_supi(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await Sql.CloneAsync(db, Clone, GenuineSim);
        await Sql.SeenAsync(db, WindowOver, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 1));
        // A TAC database that knows the TAC 35100000 only.
        await Sql.ExecAsync(db.Database, "INSERT INTO tacs (tac, brand, model) VALUES (35100000, 'Test', 'One')");
        await using var host = await EirTestHost.StartAsync(db, new Dictionary<string, string?>
        {
            ["Eir:Roaming"] = "Evaluate",
            ["Eir:UnknownTac"] = "Greylisted",
            ["Eir:NeverSeen"] = "Greylisted",
            ["Eir:CloneWithoutSupi"] = "Whitelisted",
            ["Eir:InvalidImei"] = "Evaluate",
            ["Registry:HomeNetworks:0"] = "400",
            ["Registry:HomeNetworks:1"] = "401",
        });

        var cases = new (string Case, string Pei, string? Supi, string Expected)[]
        {
            ("roamer now goes through the window rules", Pei(WindowOver), Supi(RoamingSim), "BLACKLISTED"),
            ("a second home MCC counts as home", Pei(NeverSeen), Supi("401019876543210"), "GREYLISTED"),
            ("clone without SUPI by setting", Pei(Clone), null, "WHITELISTED"),
            ("unknown TAC by setting", Pei(Registered), Supi(OtherHomeSim), "GREYLISTED"),
            ("never seen without SUPI by setting", Pei(NeverSeenToo), null, "GREYLISTED"),
        };
        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var response = await host.CheckAsync(c.Pei, c.Supi);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !body.Contains($"\"{c.Expected}\"", StringComparison.Ordinal))
            {
                failures.Add($"{c.Case}: expected 200 {c.Expected}, got {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
