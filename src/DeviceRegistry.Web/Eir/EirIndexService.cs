using DeviceRegistry.Eir;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Loads the <see cref="EirIndex"/> at start (retrying while the database is unreachable) and keeps it
/// current by reading the imei_changes log every <see cref="EirSettings.PollIntervalMilliseconds"/>,
/// so changes made by another process (the CLI) reach it. Ids are allocated before commit on
/// PostgreSQL, so a hole in the ids may still fill: rows above a hole are applied at once, and the
/// cursor waits at the hole for up to <see cref="EirSettings.ChangeLogGapSeconds"/>. On PostgreSQL a notification
/// (<see cref="ChangeLogWakeup"/>) starts the next poll at once.
/// </summary>
public sealed class EirIndexService(
    EirIndex index, EirIndexLoader loader, EirSettings settings, ChangeLogWakeup wakeup, TimeProvider clock, ILogger<EirIndexService> logger) : BackgroundService
{
    private const int ChangeBatch = 50_000;
    private const int TacCheckEveryPolls = 30;

    private readonly SemaphoreSlim applying = new(1, 1);
    private readonly HashSet<long> appliedAboveCursor = [];
    private long cursor;
    private long gapNoticedAt;
    private long tacCount = -1;
    private int pollsSinceTacCheck;

    /// <summary>When the last successful read of the database finished (null before the first).</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>The error of the latest failed database read, cleared by a success.</summary>
    public string? LastError { get; private set; }

    public DateTimeOffset? FailingSince { get; private set; }

    /// <summary>Log rows applied since start (for tests and health data).</summary>
    public long ChangesApplied { get; private set; }

    /// <summary>Reads these IMEIs' decision data again and puts it in the index (after check sightings were written).</summary>
    public async Task RefreshAsync(IReadOnlyCollection<long> imeis, CancellationToken ct)
    {
        if (imeis.Count == 0 || !index.IsLoaded)
        {
            return;
        }

        await applying.WaitAsync(ct);
        try
        {
            Apply(await loader.ReadImeisAsync(imeis, ct));
        }
        finally
        {
            applying.Release();
        }
    }

    /// <summary>One poll of the change log; returns the number of rows applied. Public so tests can step it.</summary>
    public async Task<int> PollOnceAsync(CancellationToken ct)
    {
        await applying.WaitAsync(ct);
        try
        {
            var rows = await loader.ReadChangesAsync(cursor, ChangeBatch, ct);
            var fresh = rows.Where(r => !appliedAboveCursor.Contains(r.Id)).ToList();
            if (fresh.Count > 0)
            {
                Apply(await loader.ReadImeisAsync(fresh.Select(r => r.Imei).ToList(), ct));
                ChangesApplied += fresh.Count;
            }

            AdvanceCursor(fresh);
            if (++pollsSinceTacCheck >= TacCheckEveryPolls)
            {
                pollsSinceTacCheck = 0;
                var count = await loader.CountTacsAsync(ct);
                if (count != tacCount)
                {
                    index.SetKnownTacs(await loader.ReadKnownTacsAsync(ct));
                    tacCount = count;
                }
            }

            MarkSuccess();
            return fresh.Count;
        }
        finally
        {
            applying.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await LoadWithRetryAsync(stoppingToken);
        var listening = wakeup.ListenAsync(stoppingToken);
        var interval = TimeSpan.FromMilliseconds(settings.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await wakeup.WaitAsync(interval, stoppingToken);
                await PollOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                MarkFailure(ex);
            }
        }

        await listening;
    }

    private async Task LoadWithRetryAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                var started = clock.GetTimestamp();
                var (snapshot, lastChangeId) = await loader.LoadAllAsync(ct);
                await applying.WaitAsync(ct);
                try
                {
                    index.Load(snapshot);
                    cursor = lastChangeId;
                    tacCount = snapshot.KnownTacs?.Count ?? 0;
                }
                finally
                {
                    applying.Release();
                }

                MarkSuccess();
                logger.LogInformation("EIR index loaded: {Count} IMEIs ({Bytes} bytes), {Clones} clones, {Tacs} TACs, in {Elapsed}",
                    index.Count, index.TableBytes, index.CloneCount, tacCount, clock.GetElapsedTime(started));
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                MarkFailure(ex);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private void Apply(List<ImeiDecisionData> data)
    {
        foreach (var item in data)
        {
            index.Set(item.Imei, item.State, item.AllowedImsis);
        }
    }

    private void AdvanceCursor(List<ImeiChangeRow> fresh)
    {
        foreach (var row in fresh)
        {
            appliedAboveCursor.Add(row.Id);
        }

        while (true)
        {
            while (appliedAboveCursor.Remove(cursor + 1))
            {
                cursor++;
                gapNoticedAt = 0;
            }

            if (appliedAboveCursor.Count == 0)
            {
                return;
            }

            // A hole at cursor + 1: an open transaction may still fill it, or a rollback left it for good.
            var now = clock.GetTimestamp();
            if (gapNoticedAt == 0)
            {
                gapNoticedAt = now;
                return;
            }

            if (clock.GetElapsedTime(gapNoticedAt, now).TotalSeconds < settings.ChangeLogGapSeconds)
            {
                return;
            }

            var next = appliedAboveCursor.Min();
            cursor = next - 1;
            gapNoticedAt = 0;
        }
    }

    private void MarkSuccess()
    {
        LastSuccessAt = clock.GetUtcNow();
        if (LastError is not null)
        {
            logger.LogInformation("EIR index: database reachable again");
        }

        LastError = null;
        FailingSince = null;
    }

    private void MarkFailure(Exception ex)
    {
        if (LastError is null)
        {
            logger.LogWarning(ex, "EIR index: cannot read the database; answering from memory");
        }

        LastError = ex.GetBaseException().Message;
        FailingSince ??= clock.GetUtcNow();
    }
}
