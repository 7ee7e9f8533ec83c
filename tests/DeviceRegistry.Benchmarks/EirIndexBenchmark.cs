using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Eir;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The EIR decision index at national size: memory per IMEI and random lookups per second (hits and
/// misses, one thread and all cores), and full decisions per second.
/// Usage: eir-index [--imeis N] [--lookups N]
/// </summary>
internal sealed class EirIndexBenchmark : IBenchmark
{
    public string Name => "eir-index";

    public string Description => "EIR decision index: bytes per IMEI and lookups/s at 10M IMEIs";

    public Task<int> RunAsync(string[] args)
    {
        var imeis = Option(args, "--imeis", 10_000_000);
        var lookups = Option(args, "--lookups", 20_000_000);
        var random = new Random(42);
        var keys = new long[imeis];
        for (var i = 0; i < keys.Length; i++)
        {
            // Real-looking keys: TAC 35xxxxxx plus a random serial.
            keys[i] = (35_000_000L + random.Next(0, 999_999)) * 1_000_000L + random.Next(0, 999_999);
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var build = Stopwatch.StartNew();
        var snapshot = new EirIndex.IndexSnapshot(imeis);
        var firstSeen = new DateOnly(2026, 4, 1);
        for (var i = 0; i < keys.Length; i++)
        {
            var status = (i % 10) switch
            {
                0 => DeviceStatusFlags.BlockedNoRegistration,
                < 7 => DeviceStatusFlags.Registered,
                _ => DeviceStatusFlags.None,
            };
            snapshot.Set(keys[i], new EirDeviceState(status, false, firstSeen.AddDays(i % 60)));
        }

        var index = new EirIndex();
        index.Load(snapshot);
        build.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(index);

        var probes = new long[1 << 20];
        for (var i = 0; i < probes.Length; i++)
        {
            // Half hits, half misses (keys of another TAC range).
            probes[i] = (i & 1) == 0 ? keys[random.Next(keys.Length)] : (36_000_000L + random.Next(0, 999_999)) * 1_000_000L + random.Next(0, 999_999);
        }

        var single = Measure(index, probes, lookups, threads: 1);
        var parallel = Measure(index, probes, lookups, threads: Environment.ProcessorCount);
        var decider = new AttachDecider(new EirSettings(), new DeviceRegistry.Registrations.RegistrationSettings());
        var homeNetworks = new DeviceRegistry.Identifiers.HomeNetworks(new DeviceRegistry.Infrastructure.RegistrySettings());
        var today = new DateOnly(2026, 5, 20);
        var decisions = Stopwatch.StartNew();
        var whitelisted = 0;
        var n = lookups / 4;
        for (var i = 0; i < n; i++)
        {
            var d = index.Decide(new EirQuery(probes[i & (probes.Length - 1)], "400011234567890", null), decider, homeNetworks, today);
            whitelisted += d.Status == EquipmentStatus.Whitelisted ? 1 : 0;
        }

        decisions.Stop();

        Console.WriteLine($"| IMEIs | {imeis:N0} |");
        Console.WriteLine($"| table slots (load) | {index.TableBytes / 8:N0} ({(double)index.Count / (index.TableBytes / 8):P0}) |");
        Console.WriteLine($"| bytes per IMEI (table array) | {(double)index.TableBytes / index.Count:F1} |");
        Console.WriteLine($"| bytes per IMEI (GC.GetTotalMemory delta) | {(double)(after - before) / index.Count:F1} |");
        Console.WriteLine($"| build | {build.Elapsed.TotalSeconds:F1} s |");
        Console.WriteLine($"| lookups/s, 1 thread (50% hits) | {single:N0} ({1e9 / single:F0} ns each) |");
        Console.WriteLine($"| lookups/s, {Environment.ProcessorCount} threads | {parallel:N0} |");
        Console.WriteLine($"| full decisions/s, 1 thread | {n / decisions.Elapsed.TotalSeconds:N0} (whitelisted {whitelisted:N0}) |");
        return Task.FromResult(0);
    }

    private static double Measure(EirIndex index, long[] probes, int lookups, int threads)
    {
        var perThread = lookups / threads;
        var found = 0L;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var local = 0L;
            var mask = probes.Length - 1;
            for (var i = 0; i < perThread; i++)
            {
                if (!index.Get(probes[(i + (t * 7919)) & mask]).IsEmpty)
                {
                    local++;
                }
            }

            Interlocked.Add(ref found, local);
        });
        watch.Stop();
        if (found == 0)
        {
            throw new InvalidOperationException("no lookup hit: the benchmark is broken");
        }

        return perThread * (double)threads / watch.Elapsed.TotalSeconds;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
