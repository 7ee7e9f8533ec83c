using System.Diagnostics;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir.Diameter;

namespace DeviceRegistry.Tests.Eir.Diameter;

/// <summary>
/// The EIR's S13 answers as Wireshark sees them: the test client's exchange captured on the loopback port with
/// tshark (Debian's tshark), then dissected as Diameter: the commands, result codes and Equipment-Status expected,
/// and no malformed packet or error-level expert info.
/// </summary>
public sealed class S13CaptureTests
{
    private const string InstallHint = "apt-get install tshark (.ci/run installs it)";

    [Fact]
    public async Task Tshark_dissects_the_answers_as_S13_with_the_expected_avps_and_nothing_malformed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await S13PeerTests.StartHostAsync(db);
        var port = host.Get<DiameterPeerService>().Port;
        var folder = Directory.CreateTempSubdirectory("devreg-s13-capture-");
        try
        {
            var capture = Path.Combine(folder.FullName, "s13.pcapng");
            await CaptureAsync(port, capture, async () =>
            {
                await using var client = await DiameterTestClient.ConnectAsync(port);
                await client.ExchangeCapabilitiesAsync();
                await client.CheckAsync("25099123456789", "250991234567890");      // never seen, roaming SIM: WHITELISTED (0)
                await client.CheckAsync("00000000000000", "400011234567890");      // junk number: BLACKLISTED (1)
                await client.CheckAsync("35100000000099", "400011234567890", "01"); // first home sighting: GREYLISTED (2)
                await client.CheckAsync("35100000000098", null);                     // never seen, no IMSI: unknown (5422)
                await client.WatchdogAsync();
                await client.DisconnectAsync();
            });

            var dissected = await ExternalTool.RunAsync("tshark",
                ["-r", capture, "-d", $"tcp.port=={port},diameter", "-Y", "diameter", "-T", "fields", "-E", "separator=;",
                    "-e", "diameter.cmd.code", "-e", "diameter.flags.request", "-e", "diameter.applicationId", "-e", "diameter.Result-Code",
                    "-e", "diameter.Experimental-Result-Code", "-e", "diameter.Equipment-Status", "-e", "diameter.Vendor-Id"],
                InstallHint, TimeSpan.FromSeconds(60));
            Assert.True(dissected.ExitCode == 0, dissected.Error);
            var lines = dissected.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var answers = lines.Select(l => l.Split(';')).Where(f => f.Length > 1 && f[1] == "0").Select(f => string.Join(';', f.Take(6))).ToArray();
            Assert.True(
                answers.SequenceEqual(
                [
                    "257;0;0;2001;;",
                    "324;0;16777252;2001;;0",
                    "324;0;16777252;2001;;1",
                    "324;0;16777252;2001;;2",
                    "324;0;16777252;;5422;",
                    "280;0;0;2001;;",
                    "282;0;0;2001;;",
                ]),
                "tshark dissected (command;request;application;Result-Code;Experimental-Result-Code;Equipment-Status;Vendor-Id):\n" + dissected.Out);

            var problems = await ExternalTool.RunAsync("tshark",
                ["-r", capture, "-d", $"tcp.port=={port},diameter", "-Y", "_ws.malformed || _ws.expert.severity >= \"Error\" || diameter.applicationId.unknown || diameter.cmd.code.unknown", "-V"],
                InstallHint, TimeSpan.FromSeconds(60));
            Assert.True(problems.ExitCode == 0, problems.Error);
            Assert.True(problems.Out.Trim().Length == 0, "malformed, erroneous or unknown-application packets:\n" + problems.Out);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Captures the port on the loopback interface while <paramref name="exchange"/> runs, into <paramref name="file"/>.</summary>
    private static async Task CaptureAsync(int port, string file, Func<Task> exchange)
    {
        var start = new ProcessStartInfo("tshark") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-i", "lo", "-f", $"tcp port {port}", "-w", file, "-a", "duration:10" })
        {
            start.ArgumentList.Add(arg);
        }

        using var tshark = Process.Start(start) ?? throw new InvalidOperationException("tshark did not start");
        try
        {
            // tshark says "Capturing on 'Loopback: lo'" once the capture runs.
            var said = new System.Text.StringBuilder();
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                while (await tshark.StandardError.ReadLineAsync(wait.Token) is { } line)
                {
                    said.AppendLine(line);
                    if (line.Contains("Capturing on", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }

            Assert.True(!tshark.HasExited, "tshark could not capture on lo: " + said);
            _ = tshark.StandardError.ReadToEndAsync();

            // dumpcap announces the capture a moment before its filter is applied: without a pause the first packets are lost.
            await Task.Delay(TimeSpan.FromSeconds(2));
            await exchange();
            using var done = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await tshark.WaitForExitAsync(done.Token);
        }
        finally
        {
            if (!tshark.HasExited)
            {
                tshark.Kill(entireProcessTree: true);
            }
        }
    }
}
