using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Eir;

namespace DeviceRegistry.Web.Eir;

/// <summary>Why a check was refused before it was answered (docs/eir.md, "Overload").</summary>
public enum EirShedReason
{
    None,

    /// <summary>503 NF_CONGESTION: the sightings queue is above its shed mark (or was, and is not yet down to its resume mark).</summary>
    SightingQueue,

    /// <summary>503 NF_CONGESTION: work queued on the thread pool waits too long to run.</summary>
    ThreadPool,

    /// <summary>429 NF_CONGESTION_RISK: the operator is over Eir:MaxChecksPerOperatorPerSecond.</summary>
    OperatorRate,
}

/// <summary>
/// Admission control of the EIR, called by each handler right after the caller is authenticated. A check is
/// refused with 503 NF_CONGESTION while the sightings queue is above its shed mark (so that no check is answered
/// whose sighting would be dropped) or while the thread pool is saturated, and with 429 NF_CONGESTION_RISK when its
/// operator is over its rate. The decision reads a volatile flag, two counters and, with a rate set, one
/// dictionary entry updated by compare-and-swap: no lock, no allocation. A sampler thread of its own (not the
/// thread pool, which is what it measures) times a probe work item on the thread pool and logs the shed counts.
/// </summary>
public sealed class EirAdmission : IHostedService, IDisposable
{
    private const int LogIntervalMilliseconds = 5000;

    private static readonly string[] SecondsText = Enumerable.Range(0, 121).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly EirSettings settings;
    private readonly SightingBatchWriter sightings;
    private readonly ILogger<EirAdmission> logger;
    private readonly long shedMark;
    private readonly long resumeMark;
    private readonly long ticksPerCheck;
    private readonly long burst;
    private readonly long tolerance;
    private readonly ConcurrentDictionary<int, OperatorBucket> buckets = new();
    private readonly CachedProblem queueProblem;
    private readonly CachedProblem threadPoolProblem;
    private readonly CachedProblem operatorProblem;
    private readonly ThreadPoolProbe probe = new();
    private readonly ManualResetEventSlim stopping = new();
    private Thread? sampler;
    private volatile bool queueShedding;
    private volatile bool threadPoolShedding;
    private long shedByQueue;
    private long shedByThreadPool;
    private long shedByOperatorRate;
    private long notQueued;
    private double lastThreadPoolDelay;

    public EirAdmission(EirSettings settings, SightingBatchWriter sightings, ILogger<EirAdmission> logger)
    {
        this.settings = settings;
        this.sightings = sightings;
        this.logger = logger;
        shedMark = settings.SightingQueueShedMark;
        resumeMark = settings.SightingQueueResumeMark;
        if (settings.MaxChecksPerOperatorPerSecond > 0)
        {
            ticksPerCheck = Math.Max(1, Stopwatch.Frequency / settings.MaxChecksPerOperatorPerSecond);
            burst = settings.OperatorBurst;
            tolerance = burst * ticksPerCheck;
        }

        queueProblem = new CachedProblem(path => EirProblem.Create(StatusCodes.Status503ServiceUnavailable,
            "The EIR is shedding load: check sightings are not being written as fast as they come (the queue is nearly full). Retry after Retry-After seconds, or ask another EIR.",
            path, EirCause.NfCongestion));
        threadPoolProblem = new CachedProblem(path => EirProblem.Create(StatusCodes.Status503ServiceUnavailable,
            "The EIR is shedding load: it cannot keep up with the requests it has. Retry after Retry-After seconds, or ask another EIR.",
            path, EirCause.NfCongestion));
        operatorProblem = new CachedProblem(path => EirProblem.Create(StatusCodes.Status429TooManyRequests,
            $"This operator sends more than {settings.MaxChecksPerOperatorPerSecond} checks per second (bursts of {settings.OperatorBurst}); retry after Retry-After seconds.",
            path, EirCause.NfCongestionRisk));
    }

    /// <summary>Checks refused with 503 because of the sightings queue (a batch refused before its body is read counts as one).</summary>
    public long ShedBySightingQueue => Interlocked.Read(ref shedByQueue);

    /// <summary>Checks refused with 503 because the thread pool is saturated.</summary>
    public long ShedByThreadPool => Interlocked.Read(ref shedByThreadPool);

    /// <summary>Checks refused with 429 because their operator is over its rate.</summary>
    public long ShedByOperatorRate => Interlocked.Read(ref shedByOperatorRate);

    /// <summary>Admitted requests answered 503 because a sighting could still not be queued (concurrent checks filled the headroom).</summary>
    public long NotQueued => Interlocked.Read(ref notQueued);

    /// <summary>The thread pool's queueing delay last measured by the sampler, in milliseconds.</summary>
    public double ThreadPoolDelayMilliseconds => Volatile.Read(ref lastThreadPoolDelay);

    /// <summary>What every check is being refused for right now (503), or None; the per-operator 429 is not counted as shedding.</summary>
    public EirShedReason Shedding =>
        threadPoolShedding ? EirShedReason.ThreadPool
        : (queueShedding && sightings.Pending > resumeMark) || sightings.Pending >= shedMark ? EirShedReason.SightingQueue
        : EirShedReason.None;

    /// <summary>
    /// True when the request may go on; otherwise the 503 or 429 has been written. <paramref name="checks"/>: 1 for
    /// a GET, the batch's number of checks, or 0 for a batch whose body is not read yet (then only the congestion
    /// is looked at, and an operator already over its rate).
    /// </summary>
    public ValueTask<bool> AdmitAsync(HttpContext http, int operatorId, int checks)
    {
        var reason = Decide(operatorId, checks, out var retryAfter);
        return reason == EirShedReason.None ? new ValueTask<bool>(true) : RefuseAsync(http, reason, retryAfter);
    }

    /// <summary>The admission decision, counted; <paramref name="retryAfterSeconds"/> is set for a refusal.</summary>
    public EirShedReason Decide(int operatorId, int checks, out int retryAfterSeconds)
    {
        var counted = Math.Max(checks, 1);
        retryAfterSeconds = settings.CongestionRetryAfterSeconds;
        if (threadPoolShedding)
        {
            Interlocked.Add(ref shedByThreadPool, counted);
            return EirShedReason.ThreadPool;
        }

        if (!QueueAdmits(counted))
        {
            Interlocked.Add(ref shedByQueue, counted);
            return EirShedReason.SightingQueue;
        }

        if (ticksPerCheck > 0 && !TakeTokens(operatorId, checks, out retryAfterSeconds))
        {
            Interlocked.Add(ref shedByOperatorRate, counted);
            return EirShedReason.OperatorRate;
        }

        return EirShedReason.None;
    }

    /// <summary>Writes the refusal: ProblemDetails (serialized once per reason and path) with Retry-After in seconds.</summary>
    public Task WriteRefusalAsync(HttpContext http, EirShedReason reason, int retryAfterSeconds)
    {
        var (status, cached) = reason switch
        {
            EirShedReason.OperatorRate => (StatusCodes.Status429TooManyRequests, operatorProblem),
            EirShedReason.ThreadPool => (StatusCodes.Status503ServiceUnavailable, threadPoolProblem),
            _ => (StatusCodes.Status503ServiceUnavailable, queueProblem),
        };
        http.Response.Headers.RetryAfter = (uint)retryAfterSeconds < SecondsText.Length
            ? SecondsText[retryAfterSeconds]
            : retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return EirProblem.WriteAsync(http, status, cached.For(http.Request.Path.Value ?? string.Empty));
    }

    /// <summary>Counts an admitted check whose sighting could not be queued (for the S13 peer, which answers it itself).</summary>
    internal void CountNotQueued() => Interlocked.Increment(ref notQueued);

    /// <summary>An admitted check whose sighting could not be queued after all (the checker throws; the protocol middleware answers).</summary>
    internal Task WriteNotQueuedAsync(HttpContext http)
    {
        CountNotQueued();
        return WriteRefusalAsync(http, EirShedReason.SightingQueue, settings.CongestionRetryAfterSeconds);
    }

    /// <summary>
    /// The thread pool's shedding state after a sample: entered when the probe has waited
    /// <paramref name="shedMilliseconds"/> (finished or not), left only when a finished probe waited no more than
    /// <paramref name="resumeMilliseconds"/>.
    /// </summary>
    public static bool NextThreadPoolState(bool shedding, double delayMilliseconds, bool probeFinished, int shedMilliseconds, int resumeMilliseconds) =>
        shedding ? !(probeFinished && delayMilliseconds <= resumeMilliseconds) : delayMilliseconds >= shedMilliseconds;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        sampler = new Thread(Sample) { IsBackground = true, Name = "EIR overload sampler" };
        sampler.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Set();
        sampler?.Join(TimeSpan.FromSeconds(2));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        stopping.Set();
        sampler?.Join(TimeSpan.FromSeconds(2));
        stopping.Dispose();
    }

    private async ValueTask<bool> RefuseAsync(HttpContext http, EirShedReason reason, int retryAfterSeconds)
    {
        await WriteRefusalAsync(http, reason, retryAfterSeconds);
        return false;
    }

    private bool QueueAdmits(int checks)
    {
        // Pending counts the batch being written too, so it is never below what the channel holds.
        var pending = sightings.Pending;
        if (queueShedding)
        {
            if (pending > resumeMark)
            {
                return false;
            }

            queueShedding = false;
        }

        if (pending + checks <= shedMark)
        {
            return true;
        }

        if (pending >= shedMark)
        {
            queueShedding = true;
        }

        return false;
    }

    /// <summary>
    /// A token bucket kept as one timestamp per operator (the generic cell rate algorithm): the time at which
    /// the bucket would be full again. A request of n checks on a bucket holding at least min(n, burst) is
    /// admitted and takes n, so a batch larger than the burst gets through on a full bucket and is paid for after.
    /// </summary>
    private bool TakeTokens(int operatorId, int checks, out int retryAfterSeconds)
    {
        if (!buckets.TryGetValue(operatorId, out var bucket))
        {
            bucket = buckets.GetOrAdd(operatorId, static _ => new OperatorBucket());
        }

        var now = Stopwatch.GetTimestamp();
        while (true)
        {
            var full = Volatile.Read(ref bucket.FullAt);
            var start = Math.Max(full, now);
            var excess = start + (Math.Min(checks, burst) * ticksPerCheck) - now - tolerance;
            if (excess > 0)
            {
                retryAfterSeconds = (int)Math.Min(3600, (excess + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
                return false;
            }

            retryAfterSeconds = 0;
            if (checks == 0 || Interlocked.CompareExchange(ref bucket.FullAt, start + (checks * ticksPerCheck), full) == full)
            {
                return true;
            }
        }
    }

    private void Sample()
    {
        var lastLog = Stopwatch.GetTimestamp();
        long loggedQueue = 0, loggedPool = 0, loggedRate = 0, loggedNotQueued = 0;
        var reported = EirShedReason.None;
        while (!stopping.Wait(settings.OverloadSampleMilliseconds))
        {
            if (settings.ThreadPoolShedDelayMilliseconds > 0)
            {
                var delay = probe.Sample(out var finished);
                Volatile.Write(ref lastThreadPoolDelay, delay);
                threadPoolShedding = NextThreadPoolState(threadPoolShedding, delay, finished,
                    settings.ThreadPoolShedDelayMilliseconds, settings.ThreadPoolResumeDelayMilliseconds);
            }

            if (queueShedding && sightings.Pending <= resumeMark)
            {
                queueShedding = false;
            }

            var shedding = Shedding;
            if (shedding != reported)
            {
                if (shedding == EirShedReason.None)
                {
                    logger.LogWarning("The EIR admits checks again (sightings pending {Pending}, thread-pool delay {Delay:F0} ms)",
                        sightings.Pending, ThreadPoolDelayMilliseconds);
                }
                else
                {
                    logger.LogWarning("The EIR is shedding load ({Reason}): checks are answered 503 NF_CONGESTION (sightings pending {Pending} of {Capacity}, thread-pool delay {Delay:F0} ms)",
                        shedding, sightings.Pending, settings.SightingBufferCapacity, ThreadPoolDelayMilliseconds);
                }

                reported = shedding;
            }

            if (Stopwatch.GetElapsedTime(lastLog).TotalMilliseconds >= LogIntervalMilliseconds)
            {
                var (queue, pool, rate, lost) = (ShedBySightingQueue, ShedByThreadPool, ShedByOperatorRate, NotQueued);
                if (queue != loggedQueue || pool != loggedPool || rate != loggedRate || lost != loggedNotQueued)
                {
                    logger.LogWarning(
                        "EIR checks shed in the last {Seconds:F0} s: {Queue} 503 for the sightings queue, {Pool} 503 for the thread pool, {Rate} 429 for operators over their rate, {NotQueued} 503 for a sighting that could not be queued",
                        Stopwatch.GetElapsedTime(lastLog).TotalSeconds, queue - loggedQueue, pool - loggedPool, rate - loggedRate, lost - loggedNotQueued);
                    (loggedQueue, loggedPool, loggedRate, loggedNotQueued) = (queue, pool, rate, lost);
                }

                lastLog = Stopwatch.GetTimestamp();
            }
        }
    }

    private sealed class OperatorBucket
    {
        public long FullAt;
    }

    /// <summary>
    /// A work item that measures how long the thread pool takes to start it: what a request's continuation waits
    /// before it runs. The queue length (ThreadPool.PendingWorkItemCount) says nothing about how long the items
    /// take, and thread-count growth lags by the pool's injection interval; this delay is the symptom itself.
    /// </summary>
    private sealed class ThreadPoolProbe : IThreadPoolWorkItem
    {
        private long postedAt;
        private long lastDelayTicks;

        public void Execute()
        {
            var posted = Interlocked.Exchange(ref postedAt, 0);
            if (posted != 0)
            {
                Volatile.Write(ref lastDelayTicks, Stopwatch.GetTimestamp() - posted);
            }
        }

        /// <summary>The age of the probe still waiting (not finished), or the last finished probe's delay, posting the next one.</summary>
        public double Sample(out bool finished)
        {
            var now = Stopwatch.GetTimestamp();
            var posted = Volatile.Read(ref postedAt);
            if (posted != 0)
            {
                finished = false;
                return Milliseconds(now - posted);
            }

            finished = true;
            var last = Volatile.Read(ref lastDelayTicks);
            Volatile.Write(ref postedAt, now);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return Milliseconds(last);
        }

        private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>A refusal's body per request path (the EIR has two routes; any other spelling is serialized each time).</summary>
    private sealed class CachedProblem(Func<string, EirProblemDetails> create)
    {
        private readonly ConcurrentDictionary<string, byte[]> bodies = new(StringComparer.Ordinal);

        public byte[] For(string path)
        {
            if (bodies.TryGetValue(path, out var body))
            {
                return body;
            }

            body = EirProblem.Serialize(create(path));
            if (bodies.Count < 8)
            {
                bodies.TryAdd(path, body);
            }

            return body;
        }
    }
}

/// <summary>
/// Thrown by <see cref="EirChecker"/> when an admitted check's sighting cannot be queued (the queue filled between
/// admission and the check, or is closed): the check is answered 503 instead of 200 without its sighting.
/// </summary>
public sealed class EirSightingNotQueuedException() : Exception("The check's sighting could not be queued");
