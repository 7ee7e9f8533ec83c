using DeviceRegistry.Data;
using Npgsql;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Wakes the decision index's change-log poll (<see cref="EirIndexService"/>) as soon as a change commits, so every
/// web host follows a payment, a verdict or a block within milliseconds instead of a poll interval. On PostgreSQL it
/// listens on <see cref="Channel"/>, which a trigger on imei_changes notifies once per inserting statement
/// (database/postgres/0009); the rows themselves are still read from imei_changes, the one source of truth, and the
/// poll interval stays the fallback (a lost listening connection, SQLite, which has no notifications).
/// </summary>
public sealed class ChangeLogWakeup(RegistryDatabase database, ILogger<ChangeLogWakeup> logger) : IDisposable
{
    public const string Channel = "devreg_imei_changes";

    private readonly SemaphoreSlim signal = new(0, 1);

    /// <summary>Notifications received (for tests and health data).</summary>
    public long Notifications => Interlocked.Read(ref notifications);

    /// <summary>True while a listening connection is open.</summary>
    public bool Listening { get; private set; }

    private long notifications;

    /// <summary>Waits until a change is notified or <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    /// <summary>Listens until <paramref name="ct"/> is cancelled, reconnecting with back-off; returns at once on SQLite.</summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        // Its own connection outside the pool, with TCP keepalives so a silently dropped link is noticed.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 30 }.ConnectionString;
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                Listening = true;
                delay = TimeSpan.FromSeconds(1);
                Wake(); // changes committed while no connection listened are read at once
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (Listening)
                {
                    logger.LogWarning(ex, "EIR index: the change notifications connection was lost; polling until it is back");
                }

                Listening = false;
                try
                {
                    await Task.Delay(delay, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }

        Listening = false;
    }

    public void Dispose() => signal.Dispose();

    private void Wake()
    {
        Interlocked.Increment(ref notifications);
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // another notification already woke the poll
            }
        }
    }
}
