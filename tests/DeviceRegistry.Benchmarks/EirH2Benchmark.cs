using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The N5g-eir endpoint over HTTP/2 (h2c with prior knowledge on the web host's SBA listener, Release build, SQLite,
/// operator credential, every check recorded as a sighting) against a bare Kestrel h2c endpoint returning a constant
/// (<see cref="EirHttpBareServer"/> --http2), with h2load (Debian nghttp2-client), in one run:
/// <list type="number">
/// <item>a timed warm-up of each (--warm-up-seconds, until tiered compilation is done), then each is left to settle (no CPU
/// used: the EIR's sightings written);</item>
/// <item>throughput: each round sends --checks distinct IMEI/SIM pairs, new to the host in every round (so every
/// check is authenticated, decided and written as a new sighting), to both servers, alternating which goes first,
/// each left to settle after its run (its CPU with the work left after the run is reported beside);</item>
/// <item>latency at half the bare endpoint's measured saturation rate, then at half the N5g-eir endpoint's (h2load --rps
/// per client, per-request log), again with pairs new to the host.</item>
/// </list>
/// The database is seeded as in <see cref="EirHttpBenchmark"/>. Needs <c>dotnet build -c Release src/DeviceRegistry.Web</c>.
/// The load: --processes h2load processes (default 4) of one client each with --streams concurrent streams (default 32):
/// few processes, so that the generator does not crowd the two cores the servers run on; the same for both servers.
/// Usage: eir-h2 [--imeis N] [--checks N] [--processes N] [--streams N] [--rounds N] [--warm-up-seconds N]
/// [--rate-seconds N] [--repeat-pairs] [--web-env KEY=VALUE]...
/// </summary>
internal sealed partial class EirH2Benchmark : IBenchmark
{
    private const string EquipmentStatusPath = "/n5g-eir-eic/v1/equipment-status";

    public string Name => "eir-h2";

    public string Description => "N5g-eir GET over h2c (auth + new sightings) vs bare Kestrel h2c, h2load throughput + p99 at half saturation";

    public async Task<int> RunAsync(string[] args)
    {
        var imeis = EirHttpBenchmark.Option(args, "--imeis", 1_000_000);
        var checkCount = EirHttpBenchmark.Option(args, "--checks", 250_000);
        var processes = EirHttpBenchmark.Option(args, "--processes", 4);
        var streams = EirHttpBenchmark.Option(args, "--streams", 32);
        var rounds = EirHttpBenchmark.Option(args, "--rounds", 3);
        var rateSeconds = EirHttpBenchmark.Option(args, "--rate-seconds", 10);
        var warmUpSeconds = EirHttpBenchmark.Option(args, "--warm-up-seconds", 15);
        // Diagnostics: every round asks about pairs the warm-up already recorded today, so no sighting is written and the
        // rounds measure the request path alone (the recorded run keeps new pairs: the issue's case).
        var repeats = args.Contains("--repeat-pairs");

        using var registry = await EirBenchRegistry.CreateAsync("eir-h2", imeis);
        if (registry is null)
        {
            return 2;
        }

        var (folder, database, secret) = (registry.Folder, registry.Database, registry.Secret);
        var report = new StringBuilder();
        Process? web = null;
        Process? bare = null;
        try
        {
            var webPort = EirHttpBenchmark.FreePort();
            var sbaPort = EirHttpBenchmark.FreePort();
            var barePort = EirHttpBenchmark.FreePort();
            var webEnvironment = registry.WebEnvironment($"http://127.0.0.1:{webPort}", $"http://127.0.0.1:{sbaPort}", args);
            web = EirHttpBenchmark.Start("dotnet", $"\"{registry.WebDll}\"", folder, webEnvironment);
            bare = EirHttpBenchmark.Start("dotnet", $"\"{typeof(EirH2Benchmark).Assembly.Location}\" eir-http-bare --port {barePort} --http2", folder, []);
            await WaitReadyH2Async(barePort, TimeSpan.FromSeconds(60));
            await EirHttpBenchmark.WaitReadyAsync(webPort, TimeSpan.FromSeconds(300));

            var targets = new Dictionary<string, (int Port, Process Process, string? Secret)>
            {
                ["bare Kestrel h2c"] = (barePort, bare, null),
                ["N5g-eir (SBA listener)"] = (sbaPort, web, secret),
            };
            var uriSet = 0;
            string[] Uris(int count)
            {
                // h2load gives every client the same URI list from its start, so each client is an h2load process of its
                // own with its own slice. Seeds 3000+: pairs no earlier set (nor eir-http's 2026) holds: each is a new sighting.
                var checksFile = Path.Combine(folder, $"checks-{uriSet}.txt");
                var checks = EirHttpBenchmark.WriteChecks(checksFile, count, imeis, seed: 3000 + uriSet);
                var files = UriSlices(folder, $"uris-{uriSet}", checks, processes, barePort);
                uriSet++;
                return files;
            }

            string H2LoadArgs(string target, string uris, string extra) =>
                $"-c 1 -m {streams} -t 1 {extra} -B http://127.0.0.1:{targets[target].Port} -i \"{uris}\""
                + (targets[target].Secret is { } s ? $" -H \"Authorization: Bearer {s}\"" : "");

            // Timed, the same for both servers: long enough for tiered compilation to reach its optimised code (a 20,000-request
            // warm-up left 10% of the EIR round's CPU in the JIT). Then each server is left to finish what the load queued
            // (the EIR's sightings writes) before the first round, and after every round, so that no round inherits another's work.
            Console.Error.WriteLine($"warm-up: {warmUpSeconds} s each");
            var warmUp = Uris(Math.Max(200_000, checkCount));
            foreach (var t in targets.Keys)
            {
                RunH2Load(warmUp.Select(u => H2LoadArgs(t, u, $"-D {warmUpSeconds}")), targets[t].Process);
                Settle(targets[t].Process);
            }

            var pairs = repeats ? "pairs the warm-up recorded (no sighting written)" : "new to the host in every round";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"h2load: {processes} processes of 1 client each (own slice of the pairs), {streams} concurrent streams each, {checkCount:N0} distinct checks per round, {pairs}; {warmUpSeconds} s warm-up each");
            report.AppendLine();
            report.AppendLine("| round | endpoint | requests/s | answered | 2xx | mean ms | server CPU µs/request | with the work left after the round: µs/request | settled after s |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            var totals = targets.Keys.ToDictionary(k => k, _ => new List<double>());
            for (var round = 1; round <= rounds; round++)
            {
                var uris = repeats ? warmUp : Uris(checkCount);
                var order = round % 2 == 1 ? targets.Keys.ToArray() : targets.Keys.Reverse().ToArray();
                foreach (var t in order)
                {
                    var process = targets[t].Process;
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    var r = RunH2Load(uris.Select(u => H2LoadArgs(t, u, $"-n {checkCount / processes}")), process);
                    var settled = Settle(process);
                    process.Refresh();
                    var withAfter = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, r.Answered);
                    totals[t].Add(r.RequestsPerSecond);
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"| {round} | {t} | {r.RequestsPerSecond:N0} | {r.Answered:N0} | {r.Status2xx:N0} | {r.MeanMs:0.00} | {r.CpuMicrosPerRequest:0.0} | {withAfter:0.0} | {settled.TotalSeconds:0.0} |");
                    Console.Error.WriteLine($"round {round} {t}: {r.RequestsPerSecond:N0}/s, {r.CpuMicrosPerRequest:0.0} µs/request ({withAfter:0.0} with the work after)");
                }
            }

            var bareKey = targets.Keys.First();
            var eirKey = targets.Keys.Last();
            var bareMean = totals[bareKey].Average();
            var eirMean = totals[eirKey].Average();
            var ratios = Enumerable.Range(0, rounds).Select(i => totals[eirKey][i] / totals[bareKey][i]).ToArray();
            var perRound = string.Join(", ", ratios.Select(r => r.ToString("0.00x", CultureInfo.InvariantCulture)));
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Mean: bare {bareMean:N0}/s, N5g-eir {eirMean:N0}/s: **{eirMean / bareMean:0.00}x**; per round: {perRound} (spread {ratios.Min():0.00}x to {ratios.Max():0.00}x)");
            report.AppendLine();

            // Half the bare endpoint's saturation rate (the issue's target), then half the N5g-eir endpoint's own (below what
            // it can serve, so that its latency is not that of a queue growing), each spread over the processes; h2load logs
            // each request's latency.
            foreach (var (basis, saturation) in new[] { ("bare", bareMean), ("N5g-eir", eirMean) })
            {
                var perClient = Math.Max(1, (int)(saturation / 2) / processes);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"At half the {basis} saturation rate: {perClient * processes:N0} requests/s ({processes} clients x {perClient:N0}/s, h2load --rps, up to {streams} streams each), {rateSeconds} s after 2 s discarded; latency from send to end of response, ms");
                report.AppendLine();
                report.AppendLine("| endpoint | requests | achieved/s | non-2xx | p50 | p90 | p99 | p99.9 | max |");
                report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var t in targets.Keys)
                {
                    var uris = Uris(perClient * processes * (rateSeconds + 3));
                    var logs = uris.Select((_, c) => Path.Combine(folder, $"latency-{uriSet}-{c}.tsv")).ToArray();
                    RunH2Load(uris.Select((u, c) => H2LoadArgs(t, u, $"-D {rateSeconds + 2} --rps {perClient} --log-file \"{logs[c]}\"")), targets[t].Process, shedIsAnAnswer: true);
                    Settle(targets[t].Process);
                    var l = Latency(logs, TimeSpan.FromSeconds(2));
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"| {t} | {l.Count:N0} | {l.AchievedPerSecond:N0} | {l.Non2xx:N0} | {l.P50:0.00} | {l.P90:0.00} | **{l.P99:0.00}** | {l.P999:0.00} | {l.Max:0.00} |");
                    Console.Error.WriteLine($"rate {perClient * processes}/s {t}: p99 {l.P99:0.00} ms");
                }

                report.AppendLine();
            }

            report.AppendLine();
            report.AppendLine(EirHttpBenchmark.StopAndDescribe(web, bare, database) + ".");
        }
        finally
        {
            EirHttpBenchmark.Kill(web);
            EirHttpBenchmark.Kill(bare);
        }

        Console.WriteLine(report);
        return 0;
    }

    /// <summary>
    /// Waits until the server has used under 2% of one core over half a second (at most 120 s): the work a load left
    /// behind (the EIR's queued sightings, tiered compilation) is done. Returns how long that took.
    /// </summary>
    internal static TimeSpan Settle(Process server)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(120))
        {
            server.Refresh();
            var before = server.TotalProcessorTime;
            var window = Stopwatch.StartNew();
            Thread.Sleep(500);
            server.Refresh();
            if ((server.TotalProcessorTime - before).TotalMilliseconds < 0.02 * window.Elapsed.TotalMilliseconds)
            {
                break;
            }
        }

        return waited.Elapsed;
    }

    /// <summary>
    /// The checks as h2load URI files, one slice per h2load process (h2load gives every client of a process the same
    /// list from its start, so distinct checks need a process per client). The host part is replaced by h2load's -B.
    /// </summary>
    internal static string[] UriSlices(string folder, string name, List<EirHttpBenchmark.Check> checks, int clients, int port)
    {
        var files = new string[clients];
        for (var c = 0; c < clients; c++)
        {
            files[c] = Path.Combine(folder, $"{name}-{c}.txt");
            File.WriteAllLines(files[c], checks.Where((_, i) => i % clients == c)
                .Select(x => $"http://127.0.0.1:{port}{EquipmentStatusPath}?pei={x.Pei}&supi={x.Supi}"));
        }

        return files;
    }

    internal sealed record H2LoadResult(double RequestsPerSecond, long Answered, long Status2xx, double MeanMs, double CpuMicrosPerRequest);

    private sealed record LatencyResult(int Count, double AchievedPerSecond, int Non2xx, double P50, double P90, double P99, double P999, double Max);

    /// <summary>Runs the h2load processes side by side; requests/s is all answers over the wall time of the whole set.</summary>
    /// <param name="shedIsAnAnswer">
    /// At a fixed rate a 5xx (the 503 <c>NF_CONGESTION</c> of admission control) is what the endpoint answers when the rate
    /// is more than it can serve: counted in the table's non-2xx column, not a failed run.
    /// </param>
    internal static H2LoadResult RunH2Load(IEnumerable<string> argumentSets, Process server, bool shedIsAnAnswer = false)
    {
        server.Refresh();
        var cpuBefore = server.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        // One thread per process (not the thread pool's slow ramp-up), so all start together.
        var runs = argumentSets.Select(a => Task.Factory.StartNew(() => (Arguments: a, Result: BenchPostgres.Run("h2load", a, false)),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(runs);
        wall.Stop();
        server.Refresh();
        var cpu = server.TotalProcessorTime - cpuBefore;
        long answered = 0, ok = 0;
        double meanWeighted = 0;
        foreach (var run in runs.Select(r => r.Result))
        {
            var (exit, output) = run.Result;
            if (exit != 0)
            {
                throw new InvalidOperationException($"h2load failed ({exit}): {output}");
            }

            var requests = RequestsPattern().Match(output);
            long Count(int group) => long.Parse(requests.Groups[group].Value, CultureInfo.InvariantCulture);
            var (total, done, errored, timedOut) = (Count(1), Count(2), Count(3), Count(4));
            var status = StatusPattern().Match(output);
            var status2xx = long.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
            var status5xx = long.Parse(status.Groups[2].Value, CultureInfo.InvariantCulture);
            // A 404 (equipment unknown: a never-seen IMEI on a roaming SIM) is an answer; a broken stream or a 5xx is not.
            // A timed run (-D) reports as total what it meant to send; only -n runs must finish every request.
            if ((!run.Arguments.Contains("-D ", StringComparison.Ordinal) && done != total) || errored > 0 || timedOut > 0 || (status5xx > 0 && !shedIsAnAnswer))
            {
                throw new InvalidOperationException($"h2load: {total - done} not done, {errored} errored, {timedOut} timed out, {status5xx} 5xx: {output}");
            }

            answered += done;
            ok += status2xx;
            if (MeanPattern().Match(output) is { Success: true } m)
            {
                meanWeighted += Micros(m.Groups[1].Value, m.Groups[2].Value) / 1000 * done;
            }
        }

        return new H2LoadResult(answered / wall.Elapsed.TotalSeconds, answered, ok, meanWeighted / Math.Max(1, answered), cpu.TotalMicroseconds / Math.Max(1, answered));
    }

    private static double Micros(string value, string unit)
    {
        var v = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch { "us" => v, "ms" => v * 1000, _ => v * 1_000_000 };
    }

    /// <summary>Percentiles of h2load's per-request logs (start µs since epoch, status, µs to end of response), without the first <paramref name="discard"/>.</summary>
    private static LatencyResult Latency(IEnumerable<string> logs, TimeSpan discard)
    {
        var rows = logs.SelectMany(File.ReadLines)
            .Select(line => line.Split('\t'))
            .Where(p => p.Length >= 3)
            .Select(p => (Start: long.Parse(p[0], CultureInfo.InvariantCulture), Status: int.Parse(p[1], CultureInfo.InvariantCulture), Micros: long.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();
        var first = rows.Min(r => r.Start) + (long)discard.TotalMicroseconds;
        var kept = rows.Where(r => r.Start >= first).ToList();
        var span = (kept.Max(r => r.Start) - kept.Min(r => r.Start)) / 1e6;
        var sorted = kept.Select(r => r.Micros / 1000.0).Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new LatencyResult(kept.Count, kept.Count / Math.Max(span, 1e-9), kept.Count(r => r.Status is < 200 or > 299),
            At(0.50), At(0.90), At(0.99), At(0.999), sorted[^1]);
    }

    /// <summary>The bare h2c server speaks HTTP/2 only: readiness is asked with prior knowledge.</summary>
    private static async Task WaitReadyH2Async(int port, TimeSpan limit)
    {
        using var client = new HttpClient
        {
            Timeout = TimeSpan.FromSeconds(5),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
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

        throw new TimeoutException($"the h2c server on port {port} was not ready within {limit.TotalSeconds} s");
    }

    [GeneratedRegex(@"finished in [\d.]+\w+, ([\d.]+) req/s")]
    private static partial Regex RequestsPerSecondPattern();

    [GeneratedRegex(@"requests: (\d+) total, \d+ started, (\d+) done, \d+ succeeded, \d+ failed, (\d+) errored, (\d+) timeout")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"status codes: (\d+) 2xx, \d+ 3xx, \d+ 4xx, (\d+) 5xx")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\s")]
    private static partial Regex MeanPattern();
}
