using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// What the EIR's metrics cost per check (EirCheckMetrics: one counter add with three tags, one histogram record with two),
/// side by side in one run: with no listener (metrics off), and with the OpenTelemetry SDK aggregating them as the web
/// host's meter provider does (a reader that discards its exports), on one thread and on every core at once.
/// Usage: eir-metrics [--checks N] [--rounds N]
/// </summary>
internal sealed class EirMetricsBenchmark : IBenchmark
{
    public string Name => "eir-metrics";

    public string Description => "the EIR's per-check metrics: ns and bytes allocated per check, without and with the OpenTelemetry SDK";

    public Task<int> RunAsync(string[] args)
    {
        var checks = Option(args, "--checks", 5_000_000);
        var rounds = Option(args, "--rounds", 3);
        var threads = Environment.ProcessorCount;
        Console.WriteLine($"{checks:N0} checks per thread per round, {rounds} rounds, {threads} cores");
        Console.WriteLine();
        Console.WriteLine("| round | listener | threads | ns per check | bytes allocated per check |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        for (var round = 1; round <= rounds; round++)
        {
            Row(round, "none (metrics off)", 1, checks);
            using (var exporter = new DiscardingExporter())
            using (Sdk.CreateMeterProviderBuilder()
                .AddMeter(RegistryTelemetry.Name)
                .AddReader(new PeriodicExportingMetricReader(exporter, exportIntervalMilliseconds: int.MaxValue))
                .Build())
            {
                Row(round, "OpenTelemetry SDK", 1, checks);
                Row(round, "OpenTelemetry SDK", threads, checks);
            }
        }

        return Task.FromResult(0);
    }

    private static void Row(int round, string listener, int threads, int checks)
    {
        // Four operators and the answers of a real mix: the series exist after the warm-up.
        string[] operators = ["Azercell", "Bakcell", "Nar", "Naxtel"];
        Check(operators, 10_000);
        var allocated = 0L;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Check(operators, checks);
            Interlocked.Add(ref allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        stopwatch.Stop();
        var total = (double)checks * threads;
        // Wall time over all threads' checks: on two cores shared with others, the per-thread cost is at most this times the threads.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {round} | {listener} | {threads} | {stopwatch.Elapsed.TotalNanoseconds / checks:0.0} | {allocated / total:0.00} |"));
    }

    private static void Check(string[] operators, int checks)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < checks; i++)
        {
            var name = operators[i & 3];
            var status = (i % 10) switch
            {
                < 6 => EquipmentStatus.Whitelisted,
                < 8 => EquipmentStatus.Greylisted,
                8 => EquipmentStatus.Blacklisted,
                _ => EquipmentStatus.Unknown,
            };
            EirCheckMetrics.Count(name, status, status == EquipmentStatus.Unknown ? 404 : 200);
            EirCheckMetrics.Time(name, batch: false, started);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
