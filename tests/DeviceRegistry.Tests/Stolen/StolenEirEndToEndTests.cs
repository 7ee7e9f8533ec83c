using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Xunit.Abstractions;

namespace DeviceRegistry.Tests.Stolen;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// The whole web host with an operator's credential: a stolen report made through the CLI (another "process")
/// makes the running EIR refuse the device with any SIM within 5 s, and recovery gives back the answer the rest of
/// its state gives (registered: whitelisted; in its window: greylisted). On PostgreSQL the poll is set to 30 s, so
/// only the imei_changes notification can make the 5 s.
/// </summary>
public sealed class StolenEirEndToEndTests(ITestOutputHelper output)
{
    private const string Owned = "35467211777777";    // registered and paid, then stolen
    private const string Unknown = "35891110654321";  // in its window, then stolen
    private const string SimA = "400011111111111";
    private const string SimB = "400022222222222";

    private static string Full(string imei14) => new DeviceRegistry.Identifiers.Imei(long.Parse(imei14, CultureInfo.InvariantCulture)).WithCheckDigit;

    /// <summary>Probes until the answer is <paramref name="expected"/> or 10 s pass; returns the last answer and how long it took.</summary>
    private static async Task<(string Status, TimeSpan Took)> UntilAsync(Func<Task<string>> probe, string expected)
    {
        var watch = Stopwatch.StartNew();
        var last = await probe();
        while (last != expected && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            last = await probe();
        }

        return (last, watch.Elapsed);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_report_blocks_the_device_in_the_running_eir_within_5_seconds_and_recovery_restores_its_answer(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:PollIntervalMilliseconds"] = provider == DatabaseProvider.Postgres ? "30000" : "1000",
        });
        var db = web.Database;
        var added = await Cli.RunAsync(db, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        using var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        await AttachChecksEndToEndTests.RegisterAndPayAsync(db, Owned, "AZE7654321", DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Equal("WHITELISTED", (await UntilAsync(() => AttachChecksEndToEndTests.StatusAsync(client, Owned, SimA), "WHITELISTED")).Status);
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(client, Unknown, SimA));

        var report = await Cli.RunAsync(db, "stolen", "report", "--imei", Full(Owned), "--imei", Full(Unknown),
            "--case-number", "SUR-2026-0042", "--reported-by", "Sabail police station");
        Assert.True(report.ExitCode == 0, report.Error);
        var (stolen, took) = await UntilAsync(() => AttachChecksEndToEndTests.StatusAsync(client, Owned, SimA), "BLACKLISTED");
        Assert.Equal("BLACKLISTED", stolen);
        Assert.True(took < TimeSpan.FromSeconds(5), $"the EIR refused the stolen device after {took.TotalSeconds:0.0} s");
        Assert.Equal("BLACKLISTED", await AttachChecksEndToEndTests.StatusAsync(client, Owned, SimB));
        Assert.Equal("BLACKLISTED", (await UntilAsync(() => AttachChecksEndToEndTests.StatusAsync(client, Unknown, SimB), "BLACKLISTED")).Status);

        // The cross-check: another case number is refused and the device stays refused.
        var wrong = await Cli.RunAsync(db, "stolen", "recover", "--imei", Full(Owned), "--case-number", "SUR-2026-0043");
        Assert.Equal(1, wrong.ExitCode);
        await Task.Delay(300);
        Assert.Equal("BLACKLISTED", await AttachChecksEndToEndTests.StatusAsync(client, Owned, SimA));

        var recover = await Cli.RunAsync(db, "stolen", "recover", "--imei", Full(Owned), "--case-number", "SUR-2026-0042");
        Assert.True(recover.ExitCode == 0, recover.Error);
        var (back, tookBack) = await UntilAsync(() => AttachChecksEndToEndTests.StatusAsync(client, Owned, SimA), "WHITELISTED");
        Assert.Equal("WHITELISTED", back);
        Assert.True(tookBack < TimeSpan.FromSeconds(5), $"recovery reached the EIR after {tookBack.TotalSeconds:0.0} s");
        Assert.Equal("WHITELISTED", await AttachChecksEndToEndTests.StatusAsync(client, Owned, SimB));
        Assert.Equal("BLACKLISTED", await AttachChecksEndToEndTests.StatusAsync(client, Unknown, SimA));
        output.WriteLine($"{provider}: blocked {took.TotalMilliseconds:0} ms after the report, lifted {tookBack.TotalMilliseconds:0} ms after the recovery");

        Assert.Equal(0, (await Cli.RunAsync(db, "stolen", "recover", "--imei", Full(Unknown), "--case-number", "SUR-2026-0042")).ExitCode);
        Assert.Equal("GREYLISTED", (await UntilAsync(() => AttachChecksEndToEndTests.StatusAsync(client, Unknown, SimA), "GREYLISTED")).Status);
    }
}
