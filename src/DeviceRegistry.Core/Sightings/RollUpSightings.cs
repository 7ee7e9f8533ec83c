using System.Data.Common;
using System.Diagnostics;
using DeviceRegistry.Data;
using MediatR;
using Npgsql;

namespace DeviceRegistry.Sightings;

/// <summary>
/// Folds the sightings deferred ingests appended (sightings_pending) into the store: into sightings, seen_imeis, the
/// registration-window starts (imei_changes) and, for runs continuous detection has not evaluated yet, the detection
/// queue, by the one merge (<see cref="SightingsMerger"/>), in bounded chunks of <c>Ingest:BufferSize</c> keys and one
/// transaction: rolled up whole or not at all. A deferred ingest that commits meanwhile waits on PostgreSQL (the roll-up
/// locks sightings_pending against appends) and on SQLite (one writer). Run by <c>devreg roll-up</c> and the web host's
/// <see cref="SightingsRollUpJob"/> (<c>Sightings:RollUpCron</c>).
/// </summary>
public sealed record RollUpSightings : IRequest<RollUpResult>;

/// <summary>What a roll-up folded: <see cref="PendingRows"/> rows read, merged as <see cref="Counts"/>.</summary>
public sealed record RollUpResult(long PendingRows, MergeCounts Counts, int QueuedRuns, TimeSpan Elapsed);

public sealed class RollUpSightingsHandler(RegistryDatabase database, IngestSettings settings, Identifiers.HomeNetworks homeNetworks,
    Infrastructure.RegistryClock clock) : IRequestHandler<RollUpSightings, RollUpResult>
{
    private const int PageRows = 50_000;

    private const string Columns = "imei, imsi, operator_id, day, msisdn";

    public async Task<RollUpResult> Handle(RollUpSightings request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var changedAt = clock.Time.GetUtcNow().UtcDateTime;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var postgres = connection is NpgsqlConnection;
        if (postgres)
        {
            // No append may commit between the read and the TRUNCATE below; readers go on.
            await ExecuteAsync(connection, transaction, "LOCK TABLE sightings_pending IN SHARE ROW EXCLUSIVE MODE", cancellationToken);
        }

        var runs = await PendingSightings.QueuedRunsAsync(connection, transaction, cancellationToken);
        var queue = runs.Count > 0;
        var buffer = new SightingBuffer(settings.BufferSize, homeNetworks);
        var counts = default(MergeCounts);
        long rows = 0;
        if (postgres)
        {
            await ExecuteAsync(connection, transaction, $"DECLARE pending_rows NO SCROLL CURSOR FOR SELECT {Columns} FROM sightings_pending", cancellationToken);
        }

        long lastRowId = 0;
        while (true)
        {
            long read = 0;
            await using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = transaction;
                cmd.CommandTimeout = 0;
                cmd.CommandText = postgres
                    ? $"FETCH FORWARD {PageRows} FROM pending_rows"
                    : $"SELECT {Columns}, rowid FROM sightings_pending WHERE rowid > @after ORDER BY rowid LIMIT {PageRows}";
                if (!postgres)
                {
                    AttachLogIngester.AddParameter(cmd, "@after", lastRowId);
                }

                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    read++;
                    buffer.Add(reader.GetInt64(0), PackedDigits.FromText(reader.GetString(1)),
                        reader.IsDBNull(4) ? default : PackedDigits.FromText(reader.GetString(4)), reader.GetInt32(2), DayOf(reader, 3, postgres));
                    if (!postgres)
                    {
                        lastRowId = reader.GetInt64(5);
                    }
                }
            }

            rows += read;
            if (buffer.IsFull || (read < PageRows && !buffer.IsEmpty))
            {
                counts += await SightingsMerger.MergeAsync(connection, transaction, buffer, changedAt, queue, cancellationToken);
                buffer.Clear();
            }

            if (read < PageRows)
            {
                break;
            }
        }

        if (postgres)
        {
            await ExecuteAsync(connection, transaction, "CLOSE pending_rows; TRUNCATE sightings_pending", cancellationToken);
        }
        else
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM sightings_pending", cancellationToken);
        }

        // The rolled-up runs' IMEIs are in clone_detection_queue now (queue above).
        await PendingSightings.RemoveRunsAsync(connection, transaction, runs, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RollUpResult(rows, counts, runs.Count, stopwatch.Elapsed);
    }

    private static DateOnly DayOf(DbDataReader reader, int column, bool postgres) => postgres
        ? reader.GetFieldValue<DateOnly>(column)
        : DateOnly.ParseExact(reader.GetString(column), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandTimeout = 0;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
