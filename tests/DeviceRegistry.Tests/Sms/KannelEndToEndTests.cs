using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using CliRunner = DeviceRegistry.Tests.Infrastructure.Cli;
using DeviceRegistry.Tests.Sightings;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Sms;

/// <summary>
/// The registry against a real Kannel (bearerbox, smsbox, the fake SMSC): warnings from <c>devreg enforce</c> reach the
/// phone network and their delivery reports come back to the web host; an outage keeps them queued until the next run;
/// an SMS to the short number is answered with the public status. Nothing here differs by database: SQLite only.
/// </summary>
public sealed class KannelEndToEndTests
{
    public const string Token = "test-callback-token-0123456789abcdef";
    private const string ShortNumber = "1677";
    private const string Phone = "994501234567";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Enforce_delivers_the_warnings_through_kannel_and_the_delivery_reports_mark_them_delivered()
    {
        await using var rig = await Rig.StartAsync(inbound: false);
        var (db, kannel) = (rig.Db, rig.Kannel);
        await kannel.ConnectPhoneNetworkAsync();
        await IngestTodayAsync(db);

        var run = await CliRunner.RunAsync(rig.CliSettings(), "enforce");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("SMS sent: 1, failed (retried next run): 0, pending: 0", run.Out, StringComparison.Ordinal);
        var arrived = Assert.Single(await kannel.WaitForMessagesAsync(1, Limit));
        Assert.Equal((ShortNumber, Phone), (arrived.Sender, arrived.Receiver));
        // The three languages arrive intact (UCS-2 across several parts, joined again by the phone).
        Assert.Contains("IMEI 35332510123456: cihazınızı", arrived.Text, StringComparison.Ordinal);
        Assert.Contains("register this device and pay the state duty by", arrived.Text, StringComparison.Ordinal);
        Assert.Contains("зарегистрируйте устройство и оплатите госпошлину", arrived.Text, StringComparison.Ordinal);

        var message = await WaitForStatusAsync(db, SmsStatus.Delivered);
        Assert.Equal(arrived.Text, message.Body);
        Assert.NotNull(message.SentAt);
        Assert.NotNull(message.DeliveredAt);
        Assert.Null(message.FailedAt);
        Assert.Equal(1, message.Attempts);
    }

    [Fact]
    public async Task A_gateway_outage_keeps_the_warnings_pending_with_their_error_and_a_later_run_delivers_them_once()
    {
        await using var rig = await Rig.StartAsync(inbound: false);
        var (db, kannel) = (rig.Db, rig.Kannel);
        await kannel.StopAsync();
        await IngestTodayAsync(db);
        var settings = rig.CliSettings();

        var down = await CliRunner.RunAsync(settings, "enforce");

        Assert.True(down.ExitCode == 0, down.Out + down.Error);
        Assert.Contains("SMS sent: 0, failed (retried next run): 1, pending: 1", down.Out, StringComparison.Ordinal);
        await using (var context = db.CreateContext())
        {
            var queued = await context.Set<SmsMessage>().SingleAsync();
            Assert.Equal((SmsStatus.Pending, 1), (queued.Status, queued.Attempts));
            Assert.StartsWith($"Kannel at {kannel.SendUrl} could not be reached", queued.LastError, StringComparison.Ordinal);
            Assert.Null(queued.SentAt);
        }

        // Kannel back, but a wrong sendsms password: a refusal, still pending, with Kannel's answer as the error.
        await kannel.StartAsync();
        await kannel.ConnectPhoneNetworkAsync();
        var refused = await CliRunner.RunAsync(new Dictionary<string, string?>(settings) { ["Sms:Kannel:Password"] = "wrong" }, "enforce");
        Assert.Contains("SMS sent: 0, failed (retried next run): 1, pending: 1", refused.Out, StringComparison.Ordinal);
        await using (var context = db.CreateContext())
        {
            var queued = await context.Set<SmsMessage>().SingleAsync();
            Assert.Equal((SmsStatus.Pending, 2), (queued.Status, queued.Attempts));
            Assert.Equal("Kannel refused the message: HTTP 403, 'Authorization failed for sendsms'", queued.LastError);
        }

        var up = await CliRunner.RunAsync(settings, "enforce");

        Assert.Contains("SMS sent: 1, failed (retried next run): 0, pending: 0", up.Out, StringComparison.Ordinal);
        var arrived = Assert.Single(await kannel.WaitForMessagesAsync(1, Limit));
        Assert.Equal(Phone, arrived.Receiver);
        var delivered = await WaitForStatusAsync(db, SmsStatus.Delivered);
        Assert.Equal((3, null), (delivered.Attempts, delivered.LastError));
        Assert.Equal(arrived.Text, delivered.Body);

        // Nothing is sent twice: a further run finds nothing pending, and the phone got the one message.
        var again = await CliRunner.RunAsync(settings, "enforce");
        Assert.Contains("SMS sent: 0, failed (retried next run): 0, pending: 0", again.Out, StringComparison.Ordinal);
        await Task.Delay(500);
        Assert.Single(kannel.Received());
    }

    [Fact]
    public async Task An_sms_to_the_short_number_is_answered_with_the_public_status_in_the_language_asked_for()
    {
        await using var rig = await Rig.StartAsync(inbound: true);
        var kannel = rig.Kannel;

        await kannel.ConnectPhoneNetworkAsync($"{Phone} {ShortNumber} text 4901 5420 3237518 EN");
        var english = Assert.Single(await kannel.WaitForMessagesAsync(1, Limit));
        Assert.Equal((ShortNumber, Phone), (english.Sender, english.Receiver));
        Assert.Equal(
            "IMEI 490154203237518: Never seen on the network. This device has never been used on Azerbaijan's networks. " +
            "It must be registered within 30 days of its first use with an Azerbaijani SIM card.",
            english.Text);

        await kannel.ConnectPhoneNetworkAsync($"{Phone} {ShortNumber} text ru 490154203237518");
        var russian = (await kannel.WaitForMessagesAsync(2, Limit))[1];
        Assert.StartsWith("IMEI 490154203237518: Не встречалось в сети. Это устройство ещё не использовалось", russian.Text, StringComparison.Ordinal);

        await kannel.ConnectPhoneNetworkAsync($"{Phone} {ShortNumber} text salam");
        var help = (await kannel.WaitForMessagesAsync(3, Limit))[2];
        Assert.StartsWith("IMEI yoxlaması: telefonun 15 rəqəmli IMEI nömrəsini göndərin", help.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A SQLite registry, its web host on a real socket (the callbacks Kannel calls) and a running Kannel whose sms-service
    /// (with <c>inbound</c>) asks the host; disposed in reverse, Kannel's processes first.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(TestDatabase db, RegistryWebFactory web, Uri site, KannelGateway kannel) => (Db, Web, Site, Kannel) = (db, web, site, kannel);

        public TestDatabase Db { get; }

        public RegistryWebFactory Web { get; }

        public Uri Site { get; }

        public KannelGateway Kannel { get; }

        public static async Task<Rig> StartAsync(bool inbound)
        {
            var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
            var web = RegistryWebFactory.On(db, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false", ["Sms:Kannel:CallbackToken"] = Token });
            var site = web.StartKestrel();
            var kannel = new KannelGateway(inbound ? $"{site}sms/kannel/inbound?token={Token}&from=%p&text=%a" : null);
            var rig = new Rig(db, web, site, kannel);
            try
            {
                await kannel.StartAsync();
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }

        /// <summary>devreg's settings for the Kannel gateway, with delivery reports to the web host.</summary>
        public Dictionary<string, string?> CliSettings() => new(Db.Settings)
        {
            ["Sms:Gateway"] = "Kannel",
            ["Sms:Kannel:SendUrl"] = Kannel.SendUrl,
            ["Sms:Kannel:Username"] = KannelGateway.Username,
            ["Sms:Kannel:Password"] = KannelGateway.Password,
            ["Sms:Kannel:From"] = ShortNumber,
            ["Sms:Kannel:DlrUrl"] = $"{Site}sms/kannel/dlr?id={{id}}&type=%d&token={{token}}",
            ["Sms:Kannel:CallbackToken"] = Token,
            ["Sms:Kannel:TimeoutSeconds"] = "5",
        };

        public async ValueTask DisposeAsync()
        {
            await Kannel.DisposeAsync();
            await Web.DisposeAsync();
            await Db.DisposeAsync();
        }
    }

    /// <summary>One home SIM with a known number on one IMEI today: enforcement's day-1 warning is due.</summary>
    private static async Task IngestTodayAsync(TestDatabase db)
    {
        using var kit = new IngestTestKit();
        var today = WebTestData.Today.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var file = kit.WriteLines("today.csv", ["date,imei,imsi,msisdn", $"{today},35332510123456,400011234567890,{Phone}"]);
        var ingest = await IngestTestKit.IngestAsync(db, file, "--operator", "Azercell");
        Assert.True(ingest.ExitCode == 0, ingest.Out + ingest.Error);
    }

    private static async Task<SmsMessage> WaitForStatusAsync(TestDatabase db, SmsStatus status)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var context = db.CreateContext();
            var message = await context.Set<SmsMessage>().AsNoTracking().SingleAsync();
            if (message.Status == status)
            {
                return message;
            }

            Assert.True(waited.Elapsed < Limit, $"the warning is {message.Status} (last report {message.LastReport}), not {status}, after {Limit.TotalSeconds:F0} s");
            await Task.Delay(100);
        }
    }
}
