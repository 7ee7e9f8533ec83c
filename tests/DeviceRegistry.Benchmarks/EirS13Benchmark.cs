using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DeviceRegistry.Eir.Diameter;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// ME-Identity-Check over Diameter S13 (the web host's S13 peer, Release build, SQLite, every check decided and
/// recorded as a new sighting) against a bare Diameter server answering every ECR with a constant ECA
/// (<see cref="EirS13BareServer"/>: framing only, no decision, no sighting), with a pipelining load client of our own
/// (no Diameter load tool is packaged in Debian); and, in the same run on the same host, the N5g-eir GET over h2c with
/// h2load as <see cref="EirH2Benchmark"/> drives it. Each round sends --checks IMEI/SIM pairs new to the host, over one
/// connection and over --connections connections, each keeping --in-flight requests outstanding.
/// Needs <c>dotnet build -c Release src/DeviceRegistry.Web</c> and h2load (nghttp2-client).
/// Usage: eir-s13 [--imeis N] [--checks N] [--connections N] [--in-flight N] [--rounds N] [--web-env KEY=VALUE]...
/// </summary>
internal sealed class EirS13Benchmark : IBenchmark
{
    private const string PeerHost = "mme.bench.example";
    private const string PeerRealm = "bench.example";

    public string Name => "eir-s13";

    public string Description => "S13 ME-Identity-Check (new sightings) vs a bare Diameter server, 1 and N pipelined connections, beside N5g-eir over h2c";

    public async Task<int> RunAsync(string[] args)
    {
        var imeis = EirHttpBenchmark.Option(args, "--imeis", 1_000_000);
        var checkCount = EirHttpBenchmark.Option(args, "--checks", 200_000);
        var connections = EirHttpBenchmark.Option(args, "--connections", 4);
        var inFlight = EirHttpBenchmark.Option(args, "--in-flight", 100);
        var rounds = EirHttpBenchmark.Option(args, "--rounds", 3);

        using var registry = await EirBenchRegistry.CreateAsync("eir-s13", imeis);
        if (registry is null)
        {
            return 2;
        }

        var folder = registry.Folder;
        var report = new StringBuilder();
        Process? web = null;
        Process? bare = null;
        try
        {
            var webPort = EirHttpBenchmark.FreePort();
            var sbaPort = EirHttpBenchmark.FreePort();
            var s13Port = EirHttpBenchmark.FreePort();
            var barePort = EirHttpBenchmark.FreePort();
            var environment = registry.WebEnvironment($"http://127.0.0.1:{webPort}", $"http://127.0.0.1:{sbaPort}", args);
            environment["Eir__Diameter__Enabled"] = "true";
            environment["Eir__Diameter__Port"] = s13Port.ToString(CultureInfo.InvariantCulture);
            environment["Eir__Diameter__OriginHost"] = "eir.bench.example";
            environment["Eir__Diameter__OriginRealm"] = "bench.example";
            environment["Eir__Diameter__Peers__0__OriginHost"] = PeerHost;
            environment["Eir__Diameter__Peers__0__OriginRealm"] = PeerRealm;
            environment["Eir__Diameter__Peers__0__Operator"] = "BenchOperator";
            web = EirHttpBenchmark.Start("dotnet", $"\"{registry.WebDll}\"", folder, environment);
            bare = EirHttpBenchmark.Start("dotnet", $"\"{typeof(EirS13Benchmark).Assembly.Location}\" eir-s13-bare --port {barePort}", folder, []);
            await EirHttpBenchmark.WaitReadyAsync(webPort, TimeSpan.FromSeconds(300));
            await WaitListeningAsync(barePort, TimeSpan.FromSeconds(60));

            var seed = 5000;
            List<EirHttpBenchmark.Check> NewChecks(int count) =>
                EirHttpBenchmark.WriteChecks(Path.Combine(folder, $"s13-checks-{seed}.txt"), count, imeis, seed++);

            // Each run starts with the sightings of the runs before written: a queue left full would shed the next run's checks.
            long written = 0;
            async Task<TimeSpan> DrainedAsync(long answered)
            {
                written += answered;
                var drain = Stopwatch.StartNew();
                await WaitForSightingsAsync(registry.Database, written, TimeSpan.FromSeconds(300));
                return drain.Elapsed;
            }

            Console.Error.WriteLine("warm-up: 20,000 checks each");
            await DrainedAsync((await LoadAsync(s13Port, NewChecks(20_000), connections, inFlight, web)).Success);
            await LoadAsync(barePort, NewChecks(20_000), connections, inFlight, bare);

            const int h2Clients = 32;
            const int h2Streams = 10;
            string H2Args(string uris, int count) =>
                $"-c 1 -m {h2Streams} -t 1 -n {count} -B http://127.0.0.1:{sbaPort} -i \"{uris}\" -H \"Authorization: Bearer {registry.Secret}\"";
            await DrainedAsync(EirH2Benchmark.RunH2Load(EirH2Benchmark.UriSlices(folder, "s13-h2-warm", NewChecks(20_000), h2Clients, sbaPort)
                .Select(u => H2Args(u, 20_000 / h2Clients)), web).Status2xx);

            report.AppendLine(CultureInfo.InvariantCulture,
                $"{checkCount:N0} checks per round, each pair new to the host; S13: {inFlight} requests in flight per connection; N5g-eir: h2load, {h2Clients} processes x 1 client x {h2Streams} streams");
            report.AppendLine();
            report.AppendLine("| round | endpoint | connections | checks/s | answered | 2001 (2xx) | 3004 (503) | other | server CPU µs/check | until all written, checks/s |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            var totals = new Dictionary<string, List<double>>();
            void Row(int round, string endpoint, int conns, double perSecond, long answered, long success, long busy, long other, double cpu, double? sustained)
            {
                var key = $"{endpoint}, {conns} connection(s)";
                (totals.TryGetValue(key, out var list) ? list : totals[key] = []).Add(perSecond);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {round} | {endpoint} | {conns} | {perSecond:N0} | {answered:N0} | {success:N0} | {busy:N0} | {other:N0} | {cpu:0.0} | {(sustained is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "")} |");
                Console.Error.WriteLine($"round {round} {key}: {perSecond:N0}/s");
            }

            for (var round = 1; round <= rounds; round++)
            {
                foreach (var conns in new[] { 1, connections })
                {
                    var order = round % 2 == 1 ? new[] { true, false } : [false, true];
                    foreach (var eir in order)
                    {
                        var r = await LoadAsync(eir ? s13Port : barePort, NewChecks(checkCount), conns, inFlight, eir ? web : bare);
                        double? sustained = eir ? r.Answered / (r.Elapsed + await DrainedAsync(r.Success)).TotalSeconds : null;
                        Row(round, eir ? "S13 (web host)" : "bare Diameter", conns, r.PerSecond, r.Answered, r.Success + r.Unknown, r.TooBusy, r.Other, r.CpuMicrosPerCheck, sustained);
                    }
                }

                var h2 = EirH2Benchmark.RunH2Load(EirH2Benchmark.UriSlices(folder, $"s13-h2-{round}", NewChecks(checkCount), h2Clients, sbaPort)
                    .Select(u => H2Args(u, checkCount / h2Clients)), web);
                var h2Wall = h2.Answered / h2.RequestsPerSecond;
                var h2Sustained = h2.Answered / (h2Wall + (await DrainedAsync(h2.Status2xx)).TotalSeconds);
                Row(round, "N5g-eir h2c (same host)", h2Clients, h2.RequestsPerSecond, h2.Answered, h2.Status2xx, 0, h2.Answered - h2.Status2xx, h2.CpuMicrosPerRequest, h2Sustained);
            }

            report.AppendLine();
            report.AppendLine("Means: " + string.Join("; ", totals.Select(t => $"{t.Key} {t.Value.Average():N0}/s")));

            report.AppendLine();
            report.AppendLine(EirHttpBenchmark.StopAndDescribe(web, bare, registry.Database) + ".");
        }
        finally
        {
            EirHttpBenchmark.Kill(web);
            EirHttpBenchmark.Kill(bare);
        }

        Console.WriteLine(report);
        return 0;
    }

    internal sealed record LoadResult(double PerSecond, long Answered, long Success, long Unknown, long TooBusy, long Other, double CpuMicrosPerCheck, TimeSpan Elapsed);

    /// <summary>Sends the checks over <paramref name="connections"/> connections at once (each its slice), and counts the answers by result.</summary>
    private static async Task<LoadResult> LoadAsync(int port, List<EirHttpBenchmark.Check> checks, int connections, int inFlight, Process server)
    {
        var slices = Enumerable.Range(0, connections).Select(c => Encode(checks.Where((_, i) => i % connections == c).ToList())).ToArray();
        var clients = new List<Socket>();
        foreach (var _ in slices)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await ExchangeCapabilitiesAsync(socket);
            clients.Add(socket);
        }

        server.Refresh();
        var cpuBefore = server.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var counts = await Task.WhenAll(slices.Select((s, i) => Task.Run(() => RunConnectionAsync(clients[i], s, inFlight))));
        wall.Stop();
        server.Refresh();
        var cpu = server.TotalProcessorTime - cpuBefore;
        foreach (var socket in clients)
        {
            socket.Dispose();
        }

        var answered = counts.Sum(c => c.Success + c.Unknown + c.TooBusy + c.Other);
        return new LoadResult(answered / wall.Elapsed.TotalSeconds, answered, counts.Sum(c => c.Success), counts.Sum(c => c.Unknown),
            counts.Sum(c => c.TooBusy), counts.Sum(c => c.Other), cpu.TotalMicroseconds / Math.Max(1, answered), wall.Elapsed);
    }

    private sealed record Encoded(byte[] Bytes, int[] Ends);

    /// <summary>The slice's ECRs, encoded once before the clock starts.</summary>
    private static Encoded Encode(List<EirHttpBenchmark.Check> checks)
    {
        var writer = new DiameterWriter(checks.Count * 300);
        var ends = new int[checks.Count];
        for (var i = 0; i < checks.Count; i++)
        {
            var id = (uint)i;
            var start = writer.BeginMessage(DiameterCodes.FlagRequest | DiameterCodes.FlagProxiable, DiameterCodes.MeIdentityCheck, DiameterCodes.S13, id, id);
            writer.Utf8(DiameterCodes.SessionId, string.Create(CultureInfo.InvariantCulture, $"{PeerHost};1;{i}"));
            writer.Unsigned32(DiameterCodes.AuthSessionState, DiameterCodes.NoStateMaintained);
            writer.Utf8(DiameterCodes.OriginHost, PeerHost);
            writer.Utf8(DiameterCodes.OriginRealm, PeerRealm);
            writer.Utf8(DiameterCodes.DestinationRealm, "bench.example");
            var terminal = writer.BeginGrouped(DiameterCodes.TerminalInformation, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            writer.Utf8(DiameterCodes.Imei, checks[i].Pei["imei-".Length..("imei-".Length + 14)], DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
            writer.EndGrouped(terminal);
            writer.Utf8(DiameterCodes.UserName, checks[i].Supi["imsi-".Length..]);
            writer.EndMessage(start);
            ends[i] = writer.Length;
        }

        return new Encoded(writer.Written.ToArray(), ends);
    }

    private readonly record struct Counts(long Success, long Unknown, long TooBusy, long Other);

    /// <summary>Keeps <paramref name="inFlight"/> requests outstanding, sending in chunks of up to 16 messages per write.</summary>
    private static async Task<Counts> RunConnectionAsync(Socket socket, Encoded encoded, int inFlight)
    {
        using var window = new SemaphoreSlim(inFlight, inFlight);
        var total = encoded.Ends.Length;
        var receive = Task.Run(async () =>
        {
            var buffer = new byte[1 << 20];
            var filled = 0;
            long success = 0, unknown = 0, busy = 0, other = 0, answered = 0;
            while (answered < total)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (read == 0)
                {
                    throw new IOException($"the server closed the connection after {answered} answers");
                }

                filled += read;
                var offset = 0;
                var released = 0;
                while (DiameterFraming.Frame(buffer.AsSpan(offset, filled - offset), out var header) == DiameterFrame.Complete)
                {
                    switch (ResultOf(buffer.AsSpan(offset, header.Length)))
                    {
                        case DiameterCodes.Success:
                            success++;
                            break;
                        case DiameterCodes.ErrorEquipmentUnknown:
                            unknown++;
                            break;
                        case DiameterCodes.TooBusy:
                            busy++;
                            break;
                        default:
                            other++;
                            break;
                    }

                    offset += header.Length;
                    answered++;
                    released++;
                }

                buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                filled -= offset;
                if (released > 0)
                {
                    window.Release(released);
                }
            }

            return new Counts(success, unknown, busy, other);
        });

        var sent = 0;
        while (sent < total)
        {
            var chunk = Math.Min(16, total - sent);
            for (var i = 0; i < chunk; i++)
            {
                await window.WaitAsync();
            }

            var from = sent == 0 ? 0 : encoded.Ends[sent - 1];
            var to = encoded.Ends[sent + chunk - 1];
            await socket.SendAsync(encoded.Bytes.AsMemory(from, to - from), SocketFlags.None);
            sent += chunk;
        }

        return await receive;
    }

    /// <summary>The Result-Code, or the Experimental-Result-Code, of an answer.</summary>
    private static uint ResultOf(ReadOnlySpan<byte> message)
    {
        var reader = DiameterAvpReader.OfMessage(message);
        while (reader.TryRead(out var avp))
        {
            if (avp.Code == DiameterCodes.ResultCode && avp.TryUnsigned32(out var code))
            {
                return code;
            }

            if (avp.Code == DiameterCodes.ExperimentalResult)
            {
                var inner = new DiameterAvpReader(avp.Data);
                while (inner.TryRead(out var part))
                {
                    if (part.Code == DiameterCodes.ExperimentalResultCode && part.TryUnsigned32(out var experimental))
                    {
                        return experimental;
                    }
                }
            }
        }

        return 0;
    }

    private static async Task ExchangeCapabilitiesAsync(Socket socket)
    {
        var writer = new DiameterWriter();
        var start = writer.BeginMessage(DiameterCodes.FlagRequest, DiameterCodes.CapabilitiesExchange, 0, 1, 1);
        writer.Utf8(DiameterCodes.OriginHost, PeerHost);
        writer.Utf8(DiameterCodes.OriginRealm, PeerRealm);
        writer.Address(DiameterCodes.HostIpAddress, IPAddress.Loopback);
        writer.Unsigned32(DiameterCodes.VendorId, 0);
        writer.Utf8(DiameterCodes.ProductName, "eir-s13 benchmark", 0);
        writer.Unsigned32(DiameterCodes.AuthApplicationId, DiameterCodes.S13);
        writer.EndMessage(start);
        await socket.SendAsync(writer.Written, SocketFlags.None);
        var buffer = new byte[4096];
        var filled = 0;
        while (DiameterFraming.Frame(buffer.AsSpan(0, filled), out var header) != DiameterFrame.Complete)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("the server closed the connection at the capabilities exchange");
            }

            filled += read;
        }

        if (ResultOf(buffer.AsSpan(0, filled)) != DiameterCodes.Success)
        {
            throw new InvalidOperationException("the capabilities exchange was refused");
        }
    }

    /// <summary>Waits until the host has written <paramref name="expected"/> sightings (every check a new pair: one row each).</summary>
    private static async Task WaitForSightingsAsync(string database, long expected, TimeSpan limit)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        var until = Stopwatch.StartNew();
        long rows;
        while ((rows = EirHttpBenchmark.Scalar(connection, "SELECT COUNT(*) FROM sightings")) < expected)
        {
            if (until.Elapsed > limit)
            {
                throw new TimeoutException($"{rows:N0} of {expected:N0} sightings written after {limit.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    private static async Task WaitListeningAsync(int port, TimeSpan limit)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (until.Elapsed < limit)
            {
                await Task.Delay(250);
            }
        }
    }
}

/// <summary>
/// The reference eir-s13 compares against: a Diameter server that answers the CER with a CEA and every other request
/// with one constant ECA (Result-Code 2001, Equipment-Status WHITELISTED) carrying the request's ids: the framing and
/// the socket work, nothing else. eir-s13 starts it as a child process. Usage: eir-s13-bare --port N
/// </summary>
internal sealed class EirS13BareServer : IBenchmark
{
    public string Name => "eir-s13-bare";

    public string Description => "(started by eir-s13) bare Diameter server answering a constant ECA on 127.0.0.1";

    public async Task<int> RunAsync(string[] args)
    {
        var port = args.Length >= 2 && args[0] == "--port" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3869;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(64);
        while (true)
        {
            var socket = await listener.AcceptAsync();
            socket.NoDelay = true;
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private static byte[] Answer(int command)
    {
        var writer = new DiameterWriter();
        var start = writer.BeginMessage(0, command, command == DiameterCodes.MeIdentityCheck ? DiameterCodes.S13 : 0, 0, 0);
        writer.Utf8(DiameterCodes.SessionId, "eir.bare;1;1");
        writer.Unsigned32(DiameterCodes.ResultCode, DiameterCodes.Success);
        writer.Unsigned32(DiameterCodes.AuthSessionState, DiameterCodes.NoStateMaintained);
        writer.Utf8(DiameterCodes.OriginHost, "eir.bare.example");
        writer.Utf8(DiameterCodes.OriginRealm, "bare.example");
        writer.Unsigned32(DiameterCodes.EquipmentStatus, 0, DiameterCodes.AvpMandatory, DiameterCodes.Vendor3Gpp);
        writer.EndMessage(start);
        return writer.Written.ToArray();
    }

    private static async Task ServeAsync(Socket socket)
    {
        var cea = Answer(DiameterCodes.CapabilitiesExchange);
        var eca = Answer(DiameterCodes.MeIdentityCheck);
        var buffer = new byte[1 << 16];
        var output = new byte[1 << 20];
        var filled = 0;
        using (socket)
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var offset = 0;
                var written = 0;
                while (DiameterFraming.Frame(buffer.AsSpan(offset, filled - offset), out var header) == DiameterFrame.Complete)
                {
                    var answer = header.CommandCode == DiameterCodes.CapabilitiesExchange ? cea : eca;
                    answer.CopyTo(output, written);
                    buffer.AsSpan(offset + 12, 8).CopyTo(output.AsSpan(written + 12, 8)); // hop-by-hop and end-to-end
                    written += answer.Length;
                    offset += header.Length;
                }

                buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                filled -= offset;
                await socket.SendAsync(output.AsMemory(0, written), SocketFlags.None);
            }
        }
    }
}
