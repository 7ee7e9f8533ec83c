using System.Data.Common;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Clones;

/// <summary>One row of clone_detection_queue as continuous detection read it.</summary>
public readonly record struct QueuedImei(long Imei, long Touch);

/// <summary>
/// The durable record of the IMEIs touched since continuous detection last evaluated them (clone_detection_queue).
/// The sightings merge touches every IMEI of a chunk in the merge's own transaction, so a committed sighting is
/// always queued, whichever process merged it. A touch inserts the merge's time in ticks or, on an IMEI already
/// queued, raises its value past both that and the old one; the job removes a row only if its touch is still the
/// one it read. PostgreSQL commits sequence values out of order, which is why this is not a watermark over an
/// identity column: a row committed late under a lower number would be skipped.
/// </summary>
public static class CloneDetectionQueue
{
    private const string SqliteTouch =
        "INSERT INTO clone_detection_queue (imei, touch) SELECT value, $touch FROM json_each($imeis) WHERE true " +
        "ON CONFLICT (imei) DO UPDATE SET touch = max(clone_detection_queue.touch + 1, excluded.touch)";

    // In IMEI order, so two merges touching the same IMEIs lock their rows in the same order.
    private const string PostgresTouch =
        "INSERT INTO clone_detection_queue (imei, touch) SELECT i, @touch FROM unnest(@imeis) AS u(i) ORDER BY i " +
        "ON CONFLICT (imei) DO UPDATE SET touch = GREATEST(clone_detection_queue.touch + 1, excluded.touch)";

    /// <summary>Queues <paramref name="imeis"/> (sorted, distinct) inside the merge's transaction.</summary>
    internal static async Task TouchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> imeis, DateTime changedAtUtc,
        CancellationToken ct)
    {
        if (imeis.Count == 0)
        {
            return;
        }

        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandTimeout = 0;
        if (connection is NpgsqlConnection)
        {
            cmd.CommandText = PostgresTouch;
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("imeis", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. imeis] });
            cmd.Parameters.Add(new NpgsqlParameter<long>("touch", NpgsqlDbType.Bigint) { TypedValue = changedAtUtc.Ticks });
        }
        else
        {
            cmd.CommandText = SqliteTouch;
            DbValues.AddParameter(cmd, "$imeis", DbValues.JsonArray(imeis));
            DbValues.AddParameter(cmd, "$touch", changedAtUtc.Ticks);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every queued IMEI, in IMEI order.</summary>
    public static async Task<List<QueuedImei>> ReadAsync(RegistryDatabase database, CancellationToken ct)
    {
        var entries = new List<QueuedImei>();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT imei, touch FROM clone_detection_queue ORDER BY imei";
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new QueuedImei(reader.GetInt64(0), reader.GetInt64(1)));
        }

        return entries;
    }

    /// <summary>Removes the entries that were evaluated; a row touched again since it was read stays queued.</summary>
    /// <returns>The rows removed.</returns>
    public static async Task<int> RemoveAsync(RegistryDatabase database, IReadOnlyList<QueuedImei> evaluated, CancellationToken ct)
    {
        if (evaluated.Count == 0)
        {
            return 0;
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandTimeout = 0;
        int removed;
        if (connection is NpgsqlConnection)
        {
            cmd.CommandText = "DELETE FROM clone_detection_queue q USING unnest(@imeis, @touches) AS d(imei, touch) " +
                "WHERE q.imei = d.imei AND q.touch = d.touch";
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("imeis", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = evaluated.Select(e => e.Imei).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("touches", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = evaluated.Select(e => e.Touch).ToArray() });
            removed = await cmd.ExecuteNonQueryAsync(ct);
        }
        else
        {
            cmd.CommandText = "DELETE FROM clone_detection_queue WHERE imei = $imei AND touch = $touch";
            var imei = DbValues.AddParameter(cmd, "$imei", 0L);
            var touch = DbValues.AddParameter(cmd, "$touch", 0L);
            await cmd.PrepareAsync(ct);
            removed = 0;
            foreach (var e in evaluated)
            {
                imei.Value = e.Imei;
                touch.Value = e.Touch;
                removed += await cmd.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
        return removed;
    }
}
