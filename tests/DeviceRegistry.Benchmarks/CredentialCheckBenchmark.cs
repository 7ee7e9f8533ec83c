using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Operators;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The cost of one operator credential check on one thread: HMAC-SHA-256 (new secrets; right and forged)
/// against legacy PBKDF2 (210,000 iterations), with allocated bytes per check.
/// Usage: credential-check [--hmac N] [--pbkdf2 N]
/// </summary>
internal sealed class CredentialCheckBenchmark : IBenchmark
{
    public string Name => "credential-check";

    public string Description => "one operator credential check: HMAC-SHA-256 vs PBKDF2, µs and bytes allocated";

    public Task<int> RunAsync(string[] args)
    {
        var hmacCount = Option(args, "--hmac", 1_000_000);
        var pbkdf2Count = Option(args, "--pbkdf2", 50);
        var key = OperatorCredentialKey.Random();
        var secret = OperatorSecret.Generate(17);
        var forged = OperatorSecret.Generate(17);
        var mac = OperatorSecret.HmacOf(OperatorSecret.HashHmac(secret, key), key)!;
        var legacy = OperatorSecret.Hash(secret);

        Console.WriteLine($"| check | checks | µs per check | bytes allocated per check |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("HMAC-SHA-256, right secret", hmacCount, () => OperatorSecret.VerifyHmac(secret, mac, key), expected: true);
        Row("HMAC-SHA-256, forged secret naming the operator", hmacCount, () => OperatorSecret.VerifyHmac(forged, mac, key), expected: false);
        Row("PBKDF2 210,000 iterations, right secret", pbkdf2Count, () => OperatorSecret.Verify(secret, legacy), expected: true);
        Row("PBKDF2 210,000 iterations, forged secret", pbkdf2Count, () => OperatorSecret.Verify(forged, legacy), expected: false);
        return Task.FromResult(0);
    }

    private static void Row(string name, int count, Func<bool> check, bool expected)
    {
        for (var i = 0; i < Math.Min(count, 1000); i++)
        {
            if (check() != expected)
            {
                throw new InvalidOperationException(name + " gave the wrong answer");
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            check();
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {count:N0} | {watch.Elapsed.TotalMicroseconds / count:F2} | {(double)allocated / count:F0} |"));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
