using System.Collections.Concurrent;
using System.Net;
using DeviceRegistry.Eir;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Operators;

/// <summary>
/// Counts failed operator authentications per source address in fixed one-minute windows; an address past
/// <see cref="EirSettings.MaxFailedAuthenticationsPerMinute"/> is refused (429) until its window ends, before
/// any hashing. Successes are not counted and cost one dictionary lookup (none while no address has failed).
/// Each window is a fresh dictionary, so old addresses are dropped at once. One warning per address and window.
/// </summary>
public sealed partial class AuthenticationFailureLimiter(EirSettings settings, TimeProvider clock, ILogger<AuthenticationFailureLimiter> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private volatile Generation current = new(long.MinValue);

    /// <summary>Seconds until the address may try again, or 0 when it is not blocked.</summary>
    public int RetryAfterSeconds(IPAddress? address)
    {
        var generation = current;
        if (generation.Counts.IsEmpty)
        {
            return 0;
        }

        var window = WindowNumber(out var remaining);
        return generation.Number == window
            && generation.Counts.TryGetValue(address ?? IPAddress.None, out var counter)
            && Volatile.Read(ref counter.Failures) > settings.MaxFailedAuthenticationsPerMinute
                ? remaining
                : 0;
    }

    /// <summary>Counts a failure from the address.</summary>
    public void RecordFailure(IPAddress? address)
    {
        var window = WindowNumber(out _);
        var generation = current;
        if (generation.Number != window)
        {
            var fresh = new Generation(window);
            generation = Interlocked.CompareExchange(ref current, fresh, generation) == generation ? fresh : current;
        }

        var key = address ?? IPAddress.None;
        var counter = generation.Counts.GetOrAdd(key, static _ => new Counter());
        if (Interlocked.Increment(ref counter.Failures) == settings.MaxFailedAuthenticationsPerMinute + 1)
        {
            LogBlocked(logger, key.ToString(), settings.MaxFailedAuthenticationsPerMinute);
        }
    }

    private long WindowNumber(out int remainingSeconds)
    {
        var ticks = clock.GetTimestamp() * (double)TimeSpan.TicksPerSecond / clock.TimestampFrequency;
        var number = (long)(ticks / Window.Ticks);
        remainingSeconds = Math.Max(1, (int)Math.Ceiling(((number + 1) * Window.Ticks - ticks) / TimeSpan.TicksPerSecond));
        return number;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "More than {Limit} failed operator authentications from {Address} this minute; it is answered 429 until the minute ends")]
    private static partial void LogBlocked(ILogger logger, string address, int limit);

    private sealed class Generation(long number)
    {
        public long Number { get; } = number;

        public ConcurrentDictionary<IPAddress, Counter> Counts { get; } = new();
    }

    private sealed class Counter
    {
        public int Failures;
    }
}
