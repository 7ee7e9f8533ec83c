using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DeviceRegistry.Operators;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// Does a flood of forged operator credentials starve real operators? In one run against the real web host
/// (Release, SQLite, seeded as in <see cref="EirHttpBenchmark"/>): a real operator's checks with wrk from 127.0.0.1,
/// first alone, then alongside a flood at full speed of checks whose bearer secret names the real operator's id
/// with random bytes (so each one costs the server a real verification), in two shapes:
/// <list type="bullet">
/// <item>from one address (127.0.0.2): the per-address failure limiter answers it 429 after its allowance;</item>
/// <item>from ever new addresses (127.x.y.z, a fresh source address after every --per-address requests, below the
/// limiter's allowance): every forged check is verified and answered 401, the worst case for the limiter.</item>
/// </list>
/// Reports the real operator's requests/s in each case and the ratio to its throughput alone.
/// Needs <c>dotnet build -c Release src/DeviceRegistry.Web</c>.
/// Usage: eir-flood [--imeis N] [--checks N] [--connections N] [--flood-connections N] [--seconds N] [--per-address N]
/// </summary>
internal sealed partial class EirFloodBenchmark : IBenchmark
{
    public string Name => "eir-flood";

    public string Description => "a real operator's checks/s alone vs alongside a forged-credential flood (one address; rotating addresses)";

    public async Task<int> RunAsync(string[] args)
    {
        var imeis = EirHttpBenchmark.Option(args, "--imeis", 1_000_000);
        var checkCount = EirHttpBenchmark.Option(args, "--checks", 200_000);
        var connections = EirHttpBenchmark.Option(args, "--connections", 16);
        var floodConnections = EirHttpBenchmark.Option(args, "--flood-connections", 16);
        var seconds = EirHttpBenchmark.Option(args, "--seconds", 10);
        var perAddress = EirHttpBenchmark.Option(args, "--per-address", 20);

        using var registry = await EirBenchRegistry.CreateAsync("eir-flood", imeis);
        if (registry is null)
        {
            return 2;
        }

        var script = Path.Combine(EirHttpBenchmark.RepositoryRoot(), "tests/DeviceRegistry.Benchmarks/wrk/eir-http.lua");
        var (folder, secret) = (registry.Folder, registry.Secret);
        var report = new StringBuilder();
        Process? web = null;
        try
        {
            var operatorId = int.Parse(OperatorIdPattern().Match(secret).Groups[1].Value, CultureInfo.InvariantCulture);
            var checksFile = Path.Combine(folder, "checks.txt");
            var checks = EirHttpBenchmark.WriteChecks(checksFile, checkCount, imeis);

            var port = EirHttpBenchmark.FreePort();
            // Listen on every loopback address, so the flood can come from 127.x.y.z and be told apart; no SBA listener.
            web = EirHttpBenchmark.Start("dotnet", $"\"{registry.WebDll}\"", folder, registry.WebEnvironment($"http://0.0.0.0:{port}", "", args));
            await EirHttpBenchmark.WaitReadyAsync(port, TimeSpan.FromSeconds(300));

            string Wrk(int secs) => $"-t1 -c{connections} -d{secs}s -s \"{script}\" http://127.0.0.1:{port} -- \"{checksFile}\" {secret} get 0";
            // Warm-up, which also writes every pair once: the measured runs repeat them (no new sightings), so the
            // three cases do the same work apart from the flood.
            RunWrk(Wrk(Math.Max(seconds, 10)));

            var forged = checks.Take(10_000).Select(c => Encoding.ASCII.GetBytes(
                $"GET /n5g-eir-eic/v1/equipment-status?pei={c.Pei}&supi={c.Supi} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {OperatorSecret.Generate(operatorId)}\r\n\r\n")).ToArray();

            report.AppendLine(CultureInfo.InvariantCulture,
                $"Real operator: wrk 1 thread, {connections} connections, {seconds} s, {checks.Count:N0} distinct checks (repeats of the warm-up). "
                + $"Flood: {floodConnections} connections, one request at a time each, secrets naming operator {operatorId} with random bytes.");
            report.AppendLine();
            report.AppendLine("| case | real checks/s | ratio to alone | real non-2xx | flood requests/s | flood 401 | flood 429 | flood other |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            var alone = RunWrk(Wrk(seconds));
            report.AppendLine(CultureInfo.InvariantCulture, $"| real traffic alone | {alone.RequestsPerSecond:N0} | 1.00x | {alone.Non2xx} | | | | |");
            Console.Error.WriteLine($"alone: {alone.RequestsPerSecond:N0}/s");
            foreach (var (label, rotate) in new[] { ("flood from one address (127.0.0.2)", false), ($"flood from a new address every {perAddress} requests", true) })
            {
                using var stop = new CancellationTokenSource();
                var flood = new Flood(new IPEndPoint(IPAddress.Loopback, port), forged, rotate ? perAddress : int.MaxValue);
                var floodTasks = Enumerable.Range(0, floodConnections).Select(i => Task.Run(() => flood.RunAsync(i, stop.Token))).ToArray();
                await Task.Delay(1000);
                var before = flood.Snapshot();
                var real = RunWrk(Wrk(seconds));
                var after = flood.Snapshot();
                await stop.CancelAsync();
                await Task.WhenAll(floodTasks);
                var floodRate = (after.Total - before.Total) / real.Elapsed.TotalSeconds;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {label} | {real.RequestsPerSecond:N0} | **{real.RequestsPerSecond / alone.RequestsPerSecond:0.00}x** | {real.Non2xx} | {floodRate:N0} | {after.Unauthorized - before.Unauthorized:N0} | {after.TooMany - before.TooMany:N0} | {after.Other - before.Other:N0} |");
                Console.Error.WriteLine($"{label}: real {real.RequestsPerSecond:N0}/s, flood {floodRate:N0}/s");
                // The limiter's window is a minute: let the one-address block run out before the next case.
                await Task.Delay(TimeSpan.FromSeconds(rotate ? 0 : 61));
            }
        }
        finally
        {
            EirHttpBenchmark.Kill(web);
        }

        Console.WriteLine(report);
        return 0;
    }

    private sealed record WrkResult(double RequestsPerSecond, long Non2xx, TimeSpan Elapsed);

    private static WrkResult RunWrk(string arguments)
    {
        var watch = Stopwatch.StartNew();
        var (exit, output) = BenchPostgres.Run("wrk", arguments, false);
        watch.Stop();
        if (exit != 0)
        {
            throw new InvalidOperationException($"wrk failed ({exit}): {output}");
        }

        var rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new WrkResult(rps, non2xx, watch.Elapsed);
    }

    [GeneratedRegex(@"(?im)^content-length:\s*(\d+)")]
    private static partial Regex LengthPattern();

    [GeneratedRegex(@"(?im)^transfer-encoding:\s*chunked")]
    private static partial Regex ChunkedPattern();

    [GeneratedRegex(@"^eir_(\d+)_")]
    private static partial Regex OperatorIdPattern();

    /// <summary>Closed-loop HTTP/1.1 connections sending forged checks as fast as answers come back.</summary>
    private sealed class Flood(IPEndPoint server, byte[][] requests, int perAddress)
    {
        private long unauthorized;
        private long tooMany;
        private long other;
        private int nextAddress;

        public (long Total, long Unauthorized, long TooMany, long Other) Snapshot()
        {
            var (u, t, o) = (Interlocked.Read(ref unauthorized), Interlocked.Read(ref tooMany), Interlocked.Read(ref other));
            return (u + t + o, u, t, o);
        }

        public async Task RunAsync(int index, CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            var next = index * 997;
            while (!stop.IsCancellationRequested)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                // 127.0.0.2 for the one-address flood; otherwise 127.x.y.z counting up from 127.1.0.0 (any 127/8 address is local).
                var n = perAddress == int.MaxValue ? 0 : Interlocked.Increment(ref nextAddress);
                var source = perAddress == int.MaxValue
                    ? IPAddress.Parse("127.0.0.2")
                    : new IPAddress([127, (byte)(1 + (n >> 16) % 254), (byte)(n >> 8), (byte)n]);
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(source, 0));
                try
                {
                    await socket.ConnectAsync(server, stop);
                    for (var sent = 0; sent < perAddress && !stop.IsCancellationRequested; sent++)
                    {
                        var request = requests[next++ % requests.Length];
                        await socket.SendAsync(request, SocketFlags.None, stop);
                        var status = await ReadResponseAsync(socket, buffer, stop);
                        if (status == 401)
                        {
                            Interlocked.Increment(ref unauthorized);
                        }
                        else if (status == 429)
                        {
                            Interlocked.Increment(ref tooMany);
                        }
                        else
                        {
                            Interlocked.Increment(ref other);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref other);
                }
            }
        }

        /// <summary>Reads one response (headers, then a Content-Length or chunked body) and returns its status code.</summary>
        private static async Task<int> ReadResponseAsync(Socket socket, byte[] buffer, CancellationToken stop)
        {
            var filled = 0;
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stop);
                if (read == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                filled += read;
                var text = Encoding.ASCII.GetString(buffer, 0, filled);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    continue;
                }

                var head = text[..end];
                bool Complete() => ChunkedPattern().IsMatch(head)
                    ? Encoding.ASCII.GetString(buffer, end + 4, filled - end - 4).EndsWith("0\r\n\r\n", StringComparison.Ordinal)
                    : filled >= end + 4 + (LengthPattern().Match(head) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
                while (!Complete())
                {
                    var more = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stop);
                    if (more == 0)
                    {
                        throw new SocketException((int)SocketError.ConnectionReset);
                    }

                    filled += more;
                }

                return int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture);
            }
        }
    }
}
