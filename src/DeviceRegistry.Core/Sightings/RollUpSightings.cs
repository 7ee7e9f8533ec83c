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
public sealed record RollUpResult(long PendingRows, MergeCounts Counts, TimeSpan Elapsed);

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
        // In IMEI order, so that a pair's days (from several files) meet in one chunk and its month row is merged once.
        var select = $"SELECT {Columns} FROM sightings_pending ORDER BY imei";
        async Task AddAsync(long imei, string imsi, int operatorId, DateOnly day, string? msisdn)
        {
            rows++;
            buffer.Add(imei, PackedDigits.FromText(imsi), msisdn is null ? default : PackedDigits.FromText(msisdn), operatorId, day);
            if (buffer.IsFull)
            {
                counts += await SightingsMerger.MergeAsync(connection, transaction, buffer, changedAt, queue, cancellationToken);
                buffer.Clear();
            }
        }

        if (postgres)
        {
            // A cursor: the connection runs the merges between pages.
            await ExecuteAsync(connection, transaction, $"DECLARE pending_rows NO SCROLL CURSOR FOR {select}", cancellationToken);
            long read;
            do
            {
                read = 0;
                var page = new List<(long, string, int, DateOnly, string?)>(PageRows);
                await using (var cmd = Command(connection, transaction, $"FETCH FORWARD {PageRows} FROM pending_rows"))
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        read++;
                        page.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
                    }
                }

                foreach (var (imei, imsi, operatorId, day, msisdn) in page)
                {
                    await AddAsync(imei, imsi, operatorId, day, msisdn);
                }
            }
            while (read == PageRows);
        }
        else
        {
            // SQLite runs the merges' statements while this one is open (it sorted every row before the first).
            await using var cmd = Command(connection, transaction, select);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                await AddAsync(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2),
                    DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), reader.IsDBNull(4) ? null : reader.GetString(4));
            }
        }

        if (!buffer.IsEmpty)
        {
            counts += await SightingsMerger.MergeAsync(connection, transaction, buffer, changedAt, queue, cancellationToken);
            buffer.Clear();
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
        return new RollUpResult(rows, counts, stopwatch.Elapsed);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandTimeout = 0;
        cmd.CommandText = sql;
        return cmd;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var cmd = Command(connection, transaction, sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
