using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace DeviceRegistry.Tests.Sms;

/// <summary>A message the fake SMSC received from Kannel (concatenated parts joined), as a phone would show it.</summary>
public sealed record PhoneMessage(string Sender, string Receiver, string Text);

/// <summary>
/// A real Kannel on loopback for one test: bearerbox and smsbox (Debian's kannel) with Kannel's fake SMSC
/// (kannel-extras' fakesmsc as the SMSC's client), on free ports, configured in a temporary folder. Every wait is
/// bounded; every process started is killed on dispose, also when the test failed.
/// </summary>
public sealed partial class KannelGateway : IAsyncDisposable
{
    public const string Bearerbox = "/usr/sbin/bearerbox";
    public const string Smsbox = "/usr/sbin/smsbox";
    public const string FakeSmsc = "/usr/lib/kannel/test/fakesmsc";
    public const string Username = "registry";
    public const string Password = "kannel-test-secret";

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);

    private readonly string folder = Directory.CreateTempSubdirectory("devreg-kannel-").FullName;
    private readonly List<Process> processes = [];
    private readonly ConcurrentQueue<string> fakeLines = new();
    private readonly int adminPort;
    private readonly int smsboxPort;
    private readonly int smscPort;
    private Process? bearerbox;
    private Process? smsbox;
    private Process? fakeSmsc;

    /// <param name="inboundUrl">The sms-service get-url for messages to the short number (Kannel's %p, %a escapes), or null for none.</param>
    public KannelGateway(string? inboundUrl)
    {
        foreach (var tool in new[] { Bearerbox, Smsbox, FakeSmsc })
        {
            Assert.True(File.Exists(tool), $"{tool} is missing: apt-get install kannel kannel-extras");
        }

        var ports = FreePorts(4);
        (adminPort, smsboxPort, smscPort, SendsmsPort) = (ports[0], ports[1], ports[2], ports[3]);
        File.WriteAllText(ConfigFile, Config(inboundUrl));
    }

    public int SendsmsPort { get; }

    public string SendUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{SendsmsPort}/cgi-bin/sendsms");

    private string ConfigFile => Path.Combine(folder, "kannel.conf");

    /// <summary>Starts bearerbox, then smsbox, and returns when smsbox's sendsms port answers.</summary>
    public async Task StartAsync()
    {
        bearerbox = Start(Bearerbox, [ConfigFile], null);
        await WaitForPortAsync(adminPort, bearerbox, "bearerbox");
        await WaitForPortAsync(smsboxPort, bearerbox, "bearerbox");
        smsbox = Start(Smsbox, [ConfigFile], null);
        await WaitForPortAsync(SendsmsPort, smsbox, "smsbox");
    }

    /// <summary>The gateway goes away: bearerbox is killed, and smsbox (which cannot work without it) with it.</summary>
    public async Task StopAsync()
    {
        foreach (var box in new[] { smsbox, bearerbox, fakeSmsc })
        {
            await KillAsync(box);
        }

        (smsbox, bearerbox, fakeSmsc) = (null, null, null);
    }

    /// <summary>
    /// Connects the fake SMSC (one client at a time, as Kannel's fake SMSC takes it), optionally sending one message from a
    /// phone (fakesmsc's format: "sender receiver text words"); what Kannel sends it is collected for <see cref="WaitForMessagesAsync"/>.
    /// </summary>
    public async Task ConnectPhoneNetworkAsync(string? fromPhone = null)
    {
        await KillAsync(fakeSmsc);
        string[] args = fromPhone is null
            ? ["-H", "127.0.0.1", "-r", Port(smscPort), "-m", "0", "0 0 text unused"]
            : ["-H", "127.0.0.1", "-r", Port(smscPort), "-i", "0.1", "-m", "1", fromPhone];
        fakeSmsc = Start(FakeSmsc, args, fakeLines);
        var waited = Stopwatch.StartNew();
        while (!fakeLines.Any(l => l.Contains("Connecting to", StringComparison.Ordinal)))
        {
            Assert.True(waited.Elapsed < StartLimit, "fakesmsc did not start: " + string.Join('\n', fakeLines));
            Assert.False(fakeSmsc.HasExited, "fakesmsc exited: " + string.Join('\n', fakeLines));
            await Task.Delay(50);
        }
    }

    /// <summary>Waits (bounded) until the fake SMSC holds at least <paramref name="count"/> whole messages; returns them all.</summary>
    public async Task<IReadOnlyList<PhoneMessage>> WaitForMessagesAsync(int count, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var messages = Received();
            if (messages.Count >= count)
            {
                return messages;
            }

            Assert.True(waited.Elapsed < limit,
                $"the fake SMSC got {messages.Count} of {count} messages within {limit.TotalSeconds:F0} s; its output:\n{string.Join('\n', fakeLines)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Everything the fake SMSC received so far, concatenated parts (UDH 00 03 ref total seq) joined in order.</summary>
    public IReadOnlyList<PhoneMessage> Received()
    {
        var whole = new List<PhoneMessage>();
        var parts = new Dictionary<(string, string, int), SortedDictionary<int, string>>();
        var totals = new Dictionary<(string, string, int), int>();
        foreach (var line in fakeLines)
        {
            var match = GotMessage().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var words = match.Groups[1].Value.Split(' ');
            var (sender, receiver, type) = (words[0], words[1], words[2]);
            if (type == "udh")
            {
                // "udh <udh> data <payload>": the line does not say the coding; a UCS-2 part of our texts always holds a zero
                // byte (the high byte of a space or a Latin letter), a GSM 7-bit part of them never does (only '@' would).
                var udh = System.Web.HttpUtility.UrlDecodeToBytes(words[3]);
                var key = (sender, receiver, (int)udh[3]);
                totals[key] = udh[4];
                parts.TryAdd(key, []);
                var payload = System.Web.HttpUtility.UrlDecodeToBytes(string.Join(' ', words[5..]));
                parts[key][udh[5]] = payload.Contains((byte)0) ? Encoding.BigEndianUnicode.GetString(payload) : Encoding.UTF8.GetString(payload);
                if (parts[key].Count == totals[key])
                {
                    whole.Add(new PhoneMessage(sender, receiver, string.Concat(parts[key].Values)));
                }
            }
            else
            {
                whole.Add(new PhoneMessage(sender, receiver, Decode(type, string.Join(' ', words[3..]))));
            }
        }

        return whole;
    }

    private static string Decode(string type, string payload) => type switch
    {
        "text" => payload,
        "ucs-2" => Encoding.BigEndianUnicode.GetString(System.Web.HttpUtility.UrlDecodeToBytes(payload)),
        _ => Encoding.UTF8.GetString(System.Web.HttpUtility.UrlDecodeToBytes(payload)),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            await KillAsync(process);
            process.Dispose();
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Config(string? inboundUrl)
    {
        var log = Path.Combine(folder, "{0}.log");
        var text = $"""
            group = core
            admin-port = {adminPort}
            admin-password = kannel-admin
            admin-interface = 127.0.0.1
            smsbox-port = {smsboxPort}
            smsbox-interface = 127.0.0.1
            box-allow-ip = 127.0.0.1
            log-file = "{string.Format(CultureInfo.InvariantCulture, log, "bearerbox")}"
            log-level = 1
            dlr-storage = internal

            group = smsc
            smsc = fake
            smsc-id = fake
            port = {smscPort}
            connect-allow-ip = 127.0.0.1

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = {smsboxPort}
            sendsms-port = {SendsmsPort}
            sendsms-interface = 127.0.0.1
            log-file = "{string.Format(CultureInfo.InvariantCulture, log, "smsbox")}"
            log-level = 1

            group = sendsms-user
            username = {Username}
            password = {Password}
            max-messages = 10
            concatenation = true

            """;
        if (inboundUrl is not null)
        {
            text += $"""

                group = sms-service
                keyword = default
                catch-all = true
                accept-x-kannel-headers = true
                get-url = "{inboundUrl}"
                max-messages = 6
                concatenation = true

                """;
        }

        return text;
    }

    private Process Start(string tool, string[] args, ConcurrentQueue<string>? lines)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var output = lines ?? new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.Start();
        processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Collect(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }

    private static async Task KillAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(limit.Token);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
    }

    private async Task WaitForPortAsync(int port, Process process, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var log = Path.Combine(folder, what + ".log");
                Assert.Fail($"{what} exited with code {process.ExitCode}: {(File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "no log")}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Assert.True(waited.Elapsed < StartLimit, $"{what} did not listen on port {port} within {StartLimit.TotalSeconds:F0} s");
                await Task.Delay(100);
            }
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Free loopback ports, held together while picked so they differ.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    [GeneratedRegex(@"Got message \d+: <(.*)>$")]
    private static partial Regex GotMessage();
}
