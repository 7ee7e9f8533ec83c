using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Sightings;

/// <summary>
/// The sightings of a deferred ingest (<see cref="SightingsSettings.DeferMerge"/>): each chunk is appended to
/// sightings_pending as it is (PostgreSQL: binary COPY into a table without a key; SQLite: multi-row inserts), and
/// the ingest run is queued for continuous detection (clone_detection_runs) in the file's transaction. The
/// roll-up (<see cref="RollUpSightings"/>) later folds the pending rows into sightings and seen_imeis through
/// <see cref="SightingsMerger"/>, the one merge. Until then every reader of sightings reads them too
/// (<see cref="SightingRows"/>, the clone evaluator).
/// </summary>
public static class PendingSightings
{
    /// <summary>Appends everything in <paramref name="buffer"/> to sightings_pending in the caller's transaction.</summary>
    public static async Task<MergeCounts> AppendAsync(DbConnection connection, DbTransaction transaction, AppendBuffer buffer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(transaction);
        if (buffer.IsEmpty)
        {
            return default;
        }

        var rows = connection switch
        {
            // SQLite keeps no index on the pending rows, so their order does not matter there.
            SqliteConnection sqlite => new SqliteSightingsWriter(sqlite).Append(buffer.Rows, ct),
            NpgsqlConnection npgsql => await PostgresSightingsWriter.CopyPendingAsync(npgsql, buffer.SortedRows(), ct),
            _ => throw new NotSupportedException($"No sightings writer for {connection.GetType().Name}"),
        };
        return new MergeCounts(0, 0, 0, 0, 0, PendingSightings: rows);
    }

    /// <summary>A pending row's month (yyyymm) in SQL, as the month row it will become part of (<paramref name="alias"/> the table's).</summary>
    internal static string MonthSql(bool sqlite, string alias) => sqlite
        ? $"(CAST(substr({alias}.day, 1, 4) AS INTEGER) * 100 + CAST(substr({alias}.day, 6, 2) AS INTEGER))"
        : $"(extract(year FROM {alias}.day) * 100 + extract(month FROM {alias}.day))::integer";

    /// <summary>A pending row's day as a month row's day mask (bit d-1 for day d) in SQL.</summary>
    internal static string DayMaskSql(bool sqlite, string alias) => sqlite
        ? $"(1 << (CAST(substr({alias}.day, 9, 2) AS INTEGER) - 1))"
        : $"(1 << (extract(day FROM {alias}.day)::integer - 1))";

    /// <summary>Queues a deferred ingest run for continuous detection, in the ingest's transaction.</summary>
    public static async Task QueueRunAsync(DbConnection connection, DbTransaction transaction, long runId, DateTime atUtc, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT INTO clone_detection_runs (run_id, queued_at) VALUES (@run, @at)";
        AttachLogIngester.AddParameter(cmd, "@run", runId);
        AttachLogIngester.AddParameter(cmd, "@at", atUtc);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The deferred ingest runs continuous detection has not evaluated yet.</summary>
    public static async Task<List<long>> QueuedRunsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var runs = new List<long>();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT run_id FROM clone_detection_runs ORDER BY run_id";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(reader.GetInt64(0));
        }

        return runs;
    }

    /// <summary>Every IMEI with pending sightings, in IMEI order.</summary>
    public static async Task<List<long>> ImeisAsync(DbConnection connection, CancellationToken ct)
    {
        var imeis = new List<long>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT imei FROM sightings_pending ORDER BY imei";
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            imeis.Add(reader.GetInt64(0));
        }

        return imeis;
    }

    /// <summary>Removes the runs continuous detection evaluated (a run queued since stays).</summary>
    public static async Task RemoveRunsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<long> runs, CancellationToken ct)
    {
        if (runs.Count == 0)
        {
            return;
        }

        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        if (connection is NpgsqlConnection)
        {
            cmd.CommandText = "DELETE FROM clone_detection_runs WHERE run_id = ANY(@runs)";
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("runs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. runs] });
        }
        else
        {
            cmd.CommandText = "DELETE FROM clone_detection_runs WHERE run_id IN (SELECT value FROM json_each(@runs))";
            AttachLogIngester.AddParameter(cmd, "@runs", Eir.DbValues.JsonArray(runs));
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }
}
