using System.Diagnostics;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Takes check sightings off the request path: a bounded channel that a loop on a thread of its own drains in
/// batches of <see cref="EirSettings.SightingBatchSize"/> or every <see cref="EirSettings.SightingFlushMilliseconds"/>
/// (looking at the queue every few milliseconds while it gathers, not woken by each sighting), writing through
/// <see cref="ISightingSink"/>. A failed write is retried (the batch is kept) while
/// new sightings queue up to <see cref="EirSettings.SightingBufferCapacity"/>. <see cref="EirAdmission"/> refuses
/// checks (503) well before that from <see cref="Pending"/>; a sighting that still finds the queue full (or closed)
/// is counted in <see cref="Dropped"/>, logged, and its check answered 503 (<see cref="EirChecker"/>).
/// On a clean shutdown the queue is closed and drained before the host stops.
/// After a batch that started registration windows, those IMEIs are read back into the index, so
/// the window's true start (an earlier file sighting, say) replaces the check's guess.
/// <see cref="Pending"/> and <see cref="FlushLagSeconds"/> are the registry's sightings gauges (<see cref="RegistryTelemetry"/>),
/// the lag timed by the loop alone: nothing on the check path.
/// </summary>
public sealed class SightingBatchWriter : BackgroundService, ISightingsQueueGauge
{
    private readonly Channel<CheckSighting> channel;
    private readonly ISightingSink sink;
    private readonly EirIndexService indexService;
    private readonly EirSettings settings;
    private readonly ILogger<SightingBatchWriter> logger;
    private readonly RepeatSightingFilter repeats;
    private long written;
    private long dropped;
    private long queued;
    private long repeated;
    private long batchSince;
    private readonly IDisposable gauges;
    private readonly ManualResetEventSlim closing = new();

    /// <summary>How often, at most, the loop looks for more sightings while it gathers a batch.</summary>
    private const int GatherTickMilliseconds = 10;

    public SightingBatchWriter(ISightingSink sink, EirIndexService indexService, EirSettings settings, ILogger<SightingBatchWriter> logger)
    {
        this.sink = sink;
        this.indexService = indexService;
        this.settings = settings;
        this.logger = logger;
        repeats = new RepeatSightingFilter(settings.RepeatSightingSlots);
        channel = Channel.CreateBounded<CheckSighting>(new BoundedChannelOptions(settings.SightingBufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        gauges = RegistryTelemetry.ObserveSightingsQueue(this);
    }

    public long Written => Interlocked.Read(ref written);

    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Checks that repeated a sighting queued lately (same IMEI, SIM, MSISDN, operator and day): nothing to write.</summary>
    public long Repeated => Interlocked.Read(ref repeated);

    /// <summary>Sightings accepted but not yet written.</summary>
    public long Pending => Interlocked.Read(ref queued) - Written;

    public string? LastError { get; private set; }

    /// <summary>
    /// At most the age of the oldest sighting not yet written: the time since the batch being gathered or written took its
    /// first sighting off the queue, or since the previous write began when that sighting was already waiting; 0 when none is pending.
    /// </summary>
    public double FlushLagSeconds => Pending > 0 && Volatile.Read(ref batchSince) is var since and > 0
        ? RegistryTelemetry.SecondsSince(since)
        : 0;

    /// <summary>Queues a sighting without waiting; false (and counted as dropped) when the buffer is full or closed.</summary>
    public bool TryRecord(in CheckSighting sighting)
    {
        // A check that started a window is always queued: its batch triggers the window read-back.
        var repeat = repeats.IsRepeat(sighting, out var fingerprint);
        if (repeat && !sighting.StartedWindow)
        {
            Interlocked.Increment(ref repeated);
            return true;
        }

        if (channel.Writer.TryWrite(sighting))
        {
            repeats.Remember(fingerprint);
            Interlocked.Increment(ref queued);
            return true;
        }

        if (Interlocked.Increment(ref dropped) % 10_000 == 1)
        {
            logger.LogError("Check sightings are being dropped: the buffer of {Capacity} is full or closed ({Dropped} so far)",
                settings.SightingBufferCapacity, Dropped);
        }

        return false;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Close the queue, then let the loop write what is left; only the host's stop timeout cuts it short.
        channel.Writer.TryComplete();
        closing.Set();
        if (ExecuteTask is { } running)
        {
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken));
        }

        await base.StopAsync(cancellationToken);
        if (Pending > 0)
        {
            logger.LogError("{Pending} check sightings could not be written before shutdown", Pending);
        }
    }

    /// <summary>
    /// The loop runs on a thread of its own, not the thread pool: a batch's write is synchronous work (SQLite) that takes
    /// tens of milliseconds, which on a thread-pool thread holds back the requests (on two cores, one of the pool's two
    /// threads; EirAdmission then sheds for the thread pool).
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                WriteLoop(stoppingToken);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            // A write still retrying when the host's stop timeout is over does not keep the process alive.
            IsBackground = true,
            Name = "EIR sightings writer",
        };
        thread.Start();
        return done.Task;
    }

    private void WriteLoop(CancellationToken stoppingToken)
    {
        var reader = channel.Reader;
        var batch = new List<CheckSighting>(settings.SightingBatchSize);
        var writeStarted = 0L;
        var flushTicks = settings.SightingFlushMilliseconds * Stopwatch.Frequency / 1000;
        var tick = Math.Clamp(settings.SightingFlushMilliseconds / 10, 1, GatherTickMilliseconds);
        // The loop ends when the channel is closed and empty, not on stoppingToken: StopAsync drains first.
        while (true)
        {
            // A sighting already waiting may have come at any time since the previous write began.
            var waiting = reader.TryPeek(out _);
            if (!waiting && !reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
            {
                break;
            }

            var since = waiting && writeStarted > 0 ? writeStarted : Stopwatch.GetTimestamp();
            Volatile.Write(ref batchSince, since);

            // Gather: take what is queued, then look again every tick until the batch is full, the flush time is up or the
            // queue is closed and empty. Waiting on the channel instead would wake this thread for every sighting queued.
            var flushAt = Stopwatch.GetTimestamp() + flushTicks;
            while (true)
            {
                while (batch.Count < settings.SightingBatchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                if (batch.Count >= settings.SightingBatchSize || reader.Completion.IsCompleted || Stopwatch.GetTimestamp() >= flushAt)
                {
                    break;
                }

                closing.Wait(tick, CancellationToken.None);
            }

            writeStarted = Stopwatch.GetTimestamp();
            WriteWithRetry(batch, stoppingToken);
            batch.Clear();
        }
    }

    public override void Dispose()
    {
        gauges.Dispose();
        base.Dispose();
    }

    private void WriteWithRetry(List<CheckSighting> batch, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        bool merged;
        while (true)
        {
            try
            {
                merged = sink.WriteAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
                Interlocked.Add(ref written, batch.Count);
                LastError = null;
                break;
            }
            catch (Exception ex)
            {
                LastError = ex.GetBaseException().Message;
                logger.LogWarning(ex, "Writing {Count} check sightings failed; retrying in {Delay}", batch.Count, delay);
                // While stopping, keep retrying until the host's stop timeout ends the wait in StopAsync.
                if (stoppingToken.IsCancellationRequested)
                {
                    Thread.Sleep(delay);
                }
                else
                {
                    stoppingToken.WaitHandle.WaitOne(delay);
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }

        // Appended for the roll-up (Sightings:DeferMerge), the store holds no window start yet: the index keeps the one the
        // check noted, and learns the stored one from the change log once the roll-up has merged it.
        if (!merged)
        {
            return;
        }

        var windowsStarted = batch.Where(s => s.StartedWindow).Select(s => s.Imei).Distinct().ToList();
        try
        {
            indexService.RefreshAsync(windowsStarted, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reading back {Count} IMEIs after writing check sightings failed", windowsStarted.Count);
        }
    }
}
