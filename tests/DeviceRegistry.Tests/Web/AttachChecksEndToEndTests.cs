using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Web;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>A clock a test moves forward day by day.</summary>
public sealed class MovableClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The whole web host (Program.cs) with an operator's credential: attach checks are answered, recorded
/// as sightings, start the registration window, feed clone detection run by the CLI in another
/// "process", and the EIR follows the verdict and registrations made meanwhile.
/// </summary>
public sealed class AttachChecksEndToEndTests
{
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 8, 0, 0, TimeSpan.Zero);
    private const string Copied = "35332510123456";   // used by two subscribers at once, day after day
    private const string NewPhone = "35891110654321";  // first seen through a check
    private const string Owned = "35467211777777";     // registered and paid while the host runs
    private const string SimA = "400011111111111";
    private const string SimB = "400022222222222";
    private const string SimC = "400043333333333";

    /// <summary>The EIR's answer to a check of the IMEI (14 digits) with the SIM, over the client's host.</summary>
    internal static async Task<string> StatusAsync(HttpClient client, string imei, string imsi)
    {
        using var response = await client.GetAsync(new Uri($"/n5g-eir-eic/v1/equipment-status?pei=imei-{new Imei(long.Parse(imei, CultureInfo.InvariantCulture)).WithCheckDigit}&supi=imsi-{imsi}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>
    /// Registers the 14-digit IMEI for a citizen and pays its duty through the CLI, as of <paramref name="date"/>;
    /// <paramref name="beforePaying"/> runs between the two (the device is registered, not yet paid).
    /// </summary>
    internal static async Task RegisterAndPayAsync(TestDatabase db, string imei14, string documentNumber, DateOnly date, Func<Task>? beforePaying = null)
    {
        var imei = new Imei(long.Parse(imei14, CultureInfo.InvariantCulture)).WithCheckDigit;
        var register = await Cli.RunAsync(db, "register", "--imei", imei, "--document-type", "IdCard", "--document-number", documentNumber,
            "--name", "Leyla Mammadova", "--contact", "+994501234567", "--date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.True(register.ExitCode == 0, register.Error + register.Out);
        var reference = register.Out.Split('\n').Single(l => l.StartsWith("payment reference: ", StringComparison.Ordinal))["payment reference: ".Length..].Trim();
        var duty = register.Out.Split('\n').Single(l => l.StartsWith("duty: ", StringComparison.Ordinal)).Split(' ')[1];
        if (beforePaying is not null)
        {
            await beforePaying();
        }

        var pay = await Cli.RunAsync(db, "pay", "--reference", reference, "--amount-azn", duty);
        Assert.True(pay.ExitCode == 0, pay.Error + pay.Out);
    }

    private static async Task<string> EventuallyAsync(Func<Task<string>> probe, string expected)
    {
        var last = await probe();
        for (var i = 0; i < 100 && last != expected; i++)
        {
            await Task.Delay(100);
            last = await probe();
        }

        return last;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Checks_feed_the_window_and_detection_and_the_eir_follows_the_cli(DatabaseProvider provider)
    {
        var clock = new MovableClock(Start);
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:PollIntervalMilliseconds"] = "50",
            ["Eir:SightingFlushMilliseconds"] = "20",
        });
        web.Clock = clock;
        var db = web.Database;
        var added = await Cli.RunAsync(db, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        using var client = web.CreateClient();

        using (var anonymous = await client.GetAsync(new Uri($"/n5g-eir-eic/v1/equipment-status?pei=imei-{new Imei(long.Parse(Copied, CultureInfo.InvariantCulture)).WithCheckDigit}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        // Four weeks of two subscribers on one IMEI every day: each check is greylisted (the window runs).
        const int days = 28;
        for (var day = 0; day < days; day++)
        {
            clock.Now = Start.AddDays(day);
            Assert.Equal("GREYLISTED", await StatusAsync(client, Copied, SimA));
            Assert.Equal("GREYLISTED", await StatusAsync(client, Copied, SimB));
        }

        Assert.Equal("GREYLISTED", await StatusAsync(client, NewPhone, SimC));
        var lastDay = DateOnly.FromDateTime(clock.Now.UtcDateTime.AddHours(4));

        // The checks reach the sightings store off the request path.
        var copiedKey = long.Parse(Copied, CultureInfo.InvariantCulture);
        for (var i = 0; i < 100; i++)
        {
            await using var context = db.CreateContext();
            if (await context.Sightings.CountAsync(s => s.Imei == copiedKey && s.LastSeen == lastDay) == 2
                && await context.SeenImeis.AnyAsync(s => s.Imei == long.Parse(NewPhone, CultureInfo.InvariantCulture)))
            {
                break;
            }

            await Task.Delay(100);
        }

        // The window started at the check: the shared status query knows the deadline.
        var check = await Cli.RunAsync(db, "check", NewPhone, "--json", "--as-of", lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.True(check.ExitCode == 0, check.Error + check.Out);
        using (var status = JsonDocument.Parse(check.Out))
        {
            var text = status.RootElement.GetRawText();
            Assert.Contains("\"InWindow\"", text, StringComparison.Ordinal);
            Assert.Contains(lastDay.AddDays(29).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }

        // Detection over the recorded checks flags the shared IMEI; the running EIR follows the verdict:
        // the SIMs already on it keep working, a new SIM is refused.
        // Two IMEIs in the whole store: DIRBS's safety check (at most 10 % flagged per run) does not fit a test this small.
        var detectSettings = new Dictionary<string, string?>(db.Settings) { ["CloneDetection:MaxFlaggedShare"] = "1" };
        var detect = await Cli.RunAsync(detectSettings, "detect", "--as-of", lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.True(detect.ExitCode == 0, detect.Error + detect.Out);
        var clones = await Cli.RunAsync(db, "clones", "--format", "csv");
        Assert.Contains(Copied + ",Clone", clones.Out, StringComparison.Ordinal);
        Assert.Equal("BLACKLISTED", await EventuallyAsync(() => StatusAsync(client, Copied, SimC), "BLACKLISTED"));
        Assert.Equal("WHITELISTED", await StatusAsync(client, Copied, SimA));
        Assert.Equal("WHITELISTED", await StatusAsync(client, Copied, SimB));

        // A device registered and paid through the CLI becomes whitelisted without a restart.
        Assert.Equal("GREYLISTED", await StatusAsync(client, Owned, SimC));
        await RegisterAndPayAsync(db, Owned, "AZE1234567", lastDay,
            async () => Assert.Equal("GREYLISTED", await StatusAsync(client, Owned, SimC)));
        Assert.Equal("WHITELISTED", await EventuallyAsync(() => StatusAsync(client, Owned, SimC), "WHITELISTED"));
    }
}
