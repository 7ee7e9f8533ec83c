using DeviceRegistry.Data;
using DeviceRegistry.Eir;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Counts attach-check answers per day and equipment status without allocating on the check path (one
/// Interlocked increment into a fixed array: eight day slots by four statuses), and adds the counts to
/// eir_answer_counts every <see cref="FlushInterval"/> and on shutdown. A failed write keeps its counts for the next one.
/// </summary>
public sealed class EirAnswerCounter(RegistryDatabase database, ILogger<EirAnswerCounter> logger) : BackgroundService
{
    private const int DaySlots = 8;
    private const int Statuses = 4;
    private readonly long[] counts = new long[DaySlots * Statuses];
    private readonly int[] slotDays = new int[DaySlots];
    private readonly Dictionary<(DateOnly Day, EquipmentStatus Status), long> pending = [];
    private readonly SemaphoreSlim flushing = new(1, 1);

    public static TimeSpan FlushInterval { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Counts one answer given on <paramref name="day"/>.</summary>
    public void Count(DateOnly day, EquipmentStatus status)
    {
        var dayNumber = day.DayNumber;
        var slot = dayNumber & (DaySlots - 1);
        if (Volatile.Read(ref slotDays[slot]) != dayNumber)
        {
            // A new day takes the slot of eight days ago, flushed long since.
            Interlocked.Exchange(ref slotDays[slot], dayNumber);
        }

        Interlocked.Increment(ref counts[(slot * Statuses) + ((int)status & (Statuses - 1))]);
    }

    /// <summary>Adds what was counted since the last flush to the database.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await flushing.WaitAsync(ct);
        try
        {
            for (var slot = 0; slot < DaySlots; slot++)
            {
                var day = Volatile.Read(ref slotDays[slot]);
                for (var status = 0; status < Statuses; status++)
                {
                    var n = Interlocked.Exchange(ref counts[(slot * Statuses) + status], 0);
                    if (n > 0)
                    {
                        var entry = (DateOnly.FromDayNumber(day), (EquipmentStatus)status);
                        pending[entry] = pending.GetValueOrDefault(entry) + n;
                    }
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            await EirAnswerCountStore.AddAsync(database, pending.Select(p => (p.Key.Day, p.Key.Status, p.Value)).ToList(), ct);
            pending.Clear();
        }
        finally
        {
            flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryFlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await TryFlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's stop timeout ran out (a flush stuck on a database that is gone): the stop goes on without them.
            logger.LogWarning("The last EIR answer counts could not be written before shutdown");
        }
    }

    private async Task TryFlushAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Writing the EIR answer counts failed; they are kept for the next try");
        }
    }

    public override void Dispose()
    {
        flushing.Dispose();
        base.Dispose();
    }
}
