using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DeviceRegistry.Cli;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The N5g-eir endpoint of the real web host (Release build, SQLite, operator credential, sightings recorded)
/// against a bare Kestrel endpoint returning a constant (<see cref="EirHttpBareServer"/>), in the same run:
/// <list type="number">
/// <item>maximum throughput with wrk (closed loop, same connections, same script and request bytes for both,
/// alternating which goes first each round);</item>
/// <item>latency at a constant rate (default 25k checks/s) with <see cref="EirHttpConstantRate"/>;</item>
/// <item>the batch endpoint's checks per second with wrk.</item>
/// </list>
/// The database holds --imeis seen IMEIs (60% registered, 5% blocked, window starts spread over 60 days),
/// inserted with set-based SQL before the host starts; the checks rotate through --checks distinct
/// IMEI/IMSI pairs (80% of seeded IMEIs, 20% never seen; 5% roaming SIMs).
/// Needs the Release web host: <c>dotnet build -c Release src/DeviceRegistry.Web</c>.
/// Usage: eir-http [--imeis N] [--checks N] [--connections N] [--wrk-threads N] [--seconds N] [--rounds N]
/// [--rate N] [--rate-connections N] [--warm-up-seconds N] [--web-env KEY=VALUE]...
/// </summary>
internal sealed partial class EirHttpBenchmark : IBenchmark
{
    private const string EquipmentStatusPath = "/n5g-eir-eic/v1/equipment-status";

    public string Name => "eir-http";

    public string Description => "N5g-eir GET (auth + sightings) vs bare Kestrel constant, wrk + constant-rate latency, batch checks/s";

    public async Task<int> RunAsync(string[] args)
    {
        var imeis = Option(args, "--imeis", 1_000_000);
        var checkCount = Option(args, "--checks", 200_000);
        var connections = Option(args, "--connections", 32);
        var wrkThreads = Option(args, "--wrk-threads", 1);
        var seconds = Option(args, "--seconds", 10);
        var rounds = Option(args, "--rounds", 3);
        var rate = Option(args, "--rate", 25_000);
        var rateConnections = Option(args, "--rate-connections", 64);
        var warmUpSeconds = Option(args, "--warm-up-seconds", 15);

        using var registry = await EirBenchRegistry.CreateAsync("eir-http", imeis);
        if (registry is null)
        {
            return 2;
        }

        var script = Path.Combine(RepositoryRoot(), "tests/DeviceRegistry.Benchmarks/wrk/eir-http.lua");
        var (folder, database, secret) = (registry.Folder, registry.Database, registry.Secret);
        var report = new StringBuilder();
        Process? web = null;
        Process? bare = null;
        try
        {
            var checksFile = Path.Combine(folder, "checks.txt");
            var checks = WriteChecks(checksFile, checkCount, imeis);

            var webPort = FreePort();
            var barePort = FreePort();
            var startWeb = Stopwatch.StartNew();
            // The SBA listener is off: this benchmark is HTTP/1.1 (eir-h2 measures HTTP/2).
            var webEnvironment = registry.WebEnvironment($"http://127.0.0.1:{webPort}", "", args);
            web = Start("dotnet", $"\"{registry.WebDll}\"", folder, webEnvironment);
            Console.Error.WriteLine($"web host pid {web.Id}");
            bare = Start("dotnet", $"\"{typeof(EirHttpBenchmark).Assembly.Location}\" eir-http-bare --port {barePort}", folder, []);
            Console.Error.WriteLine($"bare server pid {bare.Id}");
            await WaitReadyAsync(barePort, TimeSpan.FromSeconds(60));
            await WaitReadyAsync(webPort, TimeSpan.FromSeconds(300));
            Console.Error.WriteLine($"web host ready (index loaded) {startWeb.Elapsed.TotalSeconds:0.0} s after start");
            await CheckAnswersAsync(webPort, secret, checks);

            var targets = new Dictionary<string, (int Port, Process Process)> { ["bare Kestrel"] = (barePort, bare), ["N5g-eir"] = (webPort, web) };
            string Url(string target) => $"http://127.0.0.1:{targets[target].Port}";
            string WrkArgs(string target, int secs, string mode, int batch = 0) =>
                $"-t{wrkThreads} -c{connections} -d{secs}s --latency -s \"{script}\" {Url(target)} -- \"{checksFile}\" {secret} {mode} {batch}";

            // Long enough for tiered compilation to reach its optimised code, the same for both; then each is left to finish
            // what the load queued (the EIR's sightings writes), so that the first round does not inherit it.
            Console.Error.WriteLine($"warm-up ({warmUpSeconds} s each)");
            foreach (var t in targets.Keys)
            {
                RunWrk(WrkArgs(t, warmUpSeconds, "get"), targets[t].Process);
                EirH2Benchmark.Settle(targets[t].Process);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"wrk: {wrkThreads} thread(s), {connections} connections, {seconds} s per run, {checks.Count:N0} distinct checks rotated");
            report.AppendLine();
            report.AppendLine("| round | endpoint | requests/s | p50 ms | p90 ms | p99 ms | non-2xx | server CPU µs/request |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            var totals = targets.Keys.ToDictionary(k => k, _ => new List<double>());
            for (var round = 1; round <= rounds; round++)
            {
                var order = round % 2 == 1 ? new[] { "bare Kestrel", "N5g-eir" } : ["N5g-eir", "bare Kestrel"];
                foreach (var t in order)
                {
                    var r = RunWrk(WrkArgs(t, seconds, "get"), targets[t].Process);
                    totals[t].Add(r.RequestsPerSecond);
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"| {round} | {t} | {r.RequestsPerSecond:N0} | {r.P50:0.00} | {r.P90:0.00} | {r.P99:0.00} | {r.Non2xx} | {r.CpuMicrosPerRequest:0.0} |");
                    Console.Error.WriteLine($"round {round} {t}: {r.RequestsPerSecond:N0}/s");
                }
            }

            var bareMean = totals["bare Kestrel"].Average();
            var eirMean = totals["N5g-eir"].Average();
            report.AppendLine();
            var perRound = string.Join(", ", Enumerable.Range(0, rounds).Select(i => (totals["N5g-eir"][i] / totals["bare Kestrel"][i]).ToString("0.00x", CultureInfo.InvariantCulture)));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Mean: bare {bareMean:N0}/s, N5g-eir {eirMean:N0}/s: **{eirMean / bareMean:0.00}x**; per round: {perRound}");
            report.AppendLine();

            report.AppendLine(CultureInfo.InvariantCulture,
                $"Constant rate: {rate:N0} requests/s, {rateConnections} connections, 2 s warm-up then {seconds} s recorded; latency in ms");
            report.AppendLine();
            report.AppendLine("| endpoint | achieved/s | errors | stalled ticks | from due: p50 | p90 | p99 | p99.9 | max | from send: p50 | p99 | p99.9 | send lag p99 |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var t in new[] { "bare Kestrel", "N5g-eir" })
            {
                var requests = checks.Select(c => Encoding.ASCII.GetBytes(
                    $"GET {EquipmentStatusPath}?pei={c.Pei}&supi={c.Supi} HTTP/1.1\r\nHost: 127.0.0.1:{targets[t].Port}\r\nAuthorization: Bearer {secret}\r\n\r\n")).ToArray();
                var r = await EirHttpConstantRate.RunAsync(new IPEndPoint(IPAddress.Loopback, targets[t].Port), requests, rate,
                    TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(seconds), rateConnections);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {t} | {r.AchievedPerSecond:N0} | {r.Errors} | {r.Stalls} | {r.FromDue.P50:0.00} | {r.FromDue.P90:0.00} | **{r.FromDue.P99:0.00}** | {r.FromDue.P999:0.00} | {r.FromDue.Max:0.00} | {r.FromSend.P50:0.00} | {r.FromSend.P99:0.00} | {r.FromSend.P999:0.00} | {r.SendLag.P99:0.00} |");
                Console.Error.WriteLine($"constant rate {t}: p99 {r.FromDue.P99:0.00} ms from due, {r.FromSend.P99:0.00} ms from send");
            }

            report.AppendLine();
            report.AppendLine("| batch endpoint | requests/s | checks/s | p50 ms | p99 ms | non-2xx |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var size in new[] { 100, 1000 })
            {
                var r = RunWrk(WrkArgs("N5g-eir", seconds, "batch", size), web);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {size} checks per request | {r.RequestsPerSecond:N0} | **{r.RequestsPerSecond * size:N0}** | {r.P50:0.00} | {r.P99:0.00} | {r.Non2xx} |");
                Console.Error.WriteLine($"batch {size}: {r.RequestsPerSecond * size:N0} checks/s");
            }

            report.AppendLine();
            report.Append(StopAndDescribe(web, bare, database));
            using var connection = new SqliteConnection($"Data Source={database}");
            connection.Open();
            report.AppendLine(CultureInfo.InvariantCulture,
                $" and `seen_imeis` {Scalar(connection, "SELECT COUNT(*) FROM seen_imeis"):N0} (seeded {imeis:N0}).");
        }
        finally
        {
            Kill(web);
            Kill(bare);
        }

        Console.WriteLine(report);
        return 0;
    }

    internal sealed record Check(string Pei, string Supi);

    private sealed record WrkResult(double RequestsPerSecond, double P50, double P90, double P99, long Non2xx, double CpuMicrosPerRequest);

    /// <summary>Seeds seen_imeis, registrations and blocks with set-based SQL (one statement each).</summary>
    internal static void Seed(string database, int imeis, DateOnly today)
    {
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        void Exec(string sql)
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("@n", imeis);
            cmd.Parameters.AddWithValue("@today", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }

        // IMEI key i = 35100000000000 + 97 i: distinct 14-digit keys over ~1000 TACs. Window starts spread over
        // the last 60 days (half inside a 30-day window); 60% registered (one bulk registration), 5% blocked.
        Exec("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @n)
            INSERT INTO seen_imeis (imei, first_seen, last_seen, first_home_seen)
            SELECT 35100000000000 + 97 * i, date(@today, '-' || (i % 60) || ' days'), @today, date(@today, '-' || (i % 60) || ' days') FROM n
            """);
        Exec("""
            INSERT INTO registrations (channel, status, owner_document_type, owner_document_number, owner_name, owner_contact, tac,
                brand, model, declared_price_usd, price_usd, price_source, basic_phone, customs_declaration, registered_on, duty_basis,
                duty_tariff_id, duty_azn, transferred_from_id, created_at, effective_at, ended_at)
            VALUES ('ImporterBulk', 'Effective', 'TaxId', '1400000000', 'Bench Importer', 'bench@example.az', 35100000,
                NULL, NULL, NULL, NULL, 'Unlisted', 0, 'BENCH-1', @today, 'ImporterExempt', NULL, '0', NULL, @today, @today, NULL)
            """);
        Exec("""
            INSERT INTO registered_imeis (imei, registration_id, since)
            SELECT imei, (SELECT MAX(id) FROM registrations), @today FROM seen_imeis WHERE ((imei - 35100000000000) / 97) % 10 < 6
            """);
        Exec("""
            INSERT INTO imei_blocks (imei, reason, blocked_on, created_at, note, lifted_at, lift_reason)
            SELECT imei, 'NoRegistration', @today, @today, NULL, NULL, NULL FROM seen_imeis WHERE ((imei - 35100000000000) / 97) % 20 = 7
            """);
        tx.Commit();
    }

    /// <summary>The checks the load rotates through, one "pei supi" line each; another <paramref name="seed"/> gives other SIMs.</summary>
    internal static List<Check> WriteChecks(string file, int count, int imeis, int seed = 2026)
    {
        var random = new Random(seed);
        var checks = new List<Check>(count);
        using var writer = new StreamWriter(file);
        for (var i = 0; i < count; i++)
        {
            var key = random.Next(100) < 80
                ? 35100000000000L + (97L * random.Next(imeis))
                : 86000000000000L + random.Next(1_000_000_000);
            var imsi = random.Next(100) < 95
                ? "40001" + random.NextInt64(10_000_000_000L).ToString("D10", CultureInfo.InvariantCulture)
                : "25001" + random.NextInt64(10_000_000_000L).ToString("D10", CultureInfo.InvariantCulture);
            var check = new Check($"imei-{key}{LuhnDigit(key)}", $"imsi-{imsi}");
            checks.Add(check);
            writer.Write(check.Pei);
            writer.Write(' ');
            writer.WriteLine(check.Supi);
        }

        return checks;
    }

    private static int LuhnDigit(long key)
    {
        var digits = key.ToString(CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>A few real answers before loading: the credential works and the seeded statuses come back.</summary>
    private static async Task CheckAnswersAsync(int port, string secret, List<Check> checks)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("Authorization", $"Bearer {secret}");
        var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in checks.Take(200))
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}{EquipmentStatusPath}?pei={c.Pei}&supi={c.Supi}"));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"the web host answered {(int)response.StatusCode}: {body}");
            }

            seen[body] = seen.GetValueOrDefault(body) + 1;
        }

        Console.Error.WriteLine("first 200 answers: " + string.Join(", ", seen.Select(kv => $"{kv.Key} x{kv.Value}")));
    }

    private static WrkResult RunWrk(string arguments, Process server)
    {
        server.Refresh();
        var cpuBefore = server.TotalProcessorTime;
        var (exit, output) = BenchPostgres.Run("wrk", arguments, false);
        server.Refresh();
        var cpu = server.TotalProcessorTime - cpuBefore;
        if (exit != 0)
        {
            throw new InvalidOperationException($"wrk failed ({exit}): {output}");
        }

        double Ms(string label)
        {
            var m = Regex.Match(output, $@"^\s*{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            if (!m.Success)
            {
                return double.NaN;
            }

            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, _ => v * 1000 };
        }

        var rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var total = long.Parse(Regex.Match(output, @"(\d+) requests in").Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new WrkResult(rps, Ms("50%"), Ms("90%"), Ms("99%"), non2xx, cpu.TotalMicroseconds / Math.Max(1, total));
    }

    internal static async Task<string> DevRegAsync(string[] args, Dictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await DevReg.RunAsync(args, output, error, settings);
        if (exit != 0)
        {
            throw new InvalidOperationException($"devreg {string.Join(' ', args)} failed ({exit}): {error}");
        }

        return output.ToString();
    }

    internal static Process Start(string program, string arguments, string workingDirectory, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Both servers run with the same runtime settings: server GC (the Web SDK's default), tiered PGO on.
        info.Environment["DOTNET_gcServer"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{Path.GetFileName(program)} {process.Id}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(int port, TimeSpan limit)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = Stopwatch.StartNew();
        while (until.Elapsed < limit)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the server on port {port} was not ready within {limit.TotalSeconds} s");
    }

    internal static void StopGracefully(Process process)
    {
        // SIGTERM: the host stops cleanly and the sighting writer drains its queue first.
        using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
        {
            kill.WaitForExit();
        }

        if (!process.WaitForExit(60_000))
        {
            process.Kill();
        }
    }

    internal static void Kill(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    internal static double ResidentMegabytes(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// Stops the web host (draining its sightings) and the bare server, and describes the host's end: its resident memory
    /// before the stop, how long the clean stop took and the sightings the SQLite registry then holds (no line end, so a
    /// caller may add to it).
    /// </summary>
    internal static string StopAndDescribe(Process web, Process bare, string database)
    {
        var rssMb = ResidentMegabytes(web);
        var stopped = Stopwatch.StartNew();
        StopGracefully(web);
        StopGracefully(bare);
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        return string.Create(CultureInfo.InvariantCulture,
            $"Web host: resident memory {rssMb:N0} MB after the runs; clean stop (sightings drained) in {stopped.Elapsed.TotalSeconds:0.0} s; "
            + $"then `sightings` holds {Scalar(connection, "SELECT COUNT(*) FROM sightings"):N0} rows");
    }

    internal static long Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests/DeviceRegistry.Benchmarks/wrk/eir-http.lua")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository (wrk/eir-http.lua not found)");
    }

    internal static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    [GeneratedRegex(@"secret: (\S+)")]
    internal static partial Regex SecretPattern();
}
