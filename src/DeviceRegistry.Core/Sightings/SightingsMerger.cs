using System.Data.Common;
using DeviceRegistry.Identifiers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeviceRegistry.Sightings;

/// <summary>One attach seen on the network: the web host records each EIR check this way.</summary>
public readonly record struct SightingRecord(Imei Imei, string Imsi, string? Msisdn, int OperatorId, DateOnly Date);

/// <summary>
/// What a merge did to the store. <see cref="WindowStarts"/> counts the IMEIs whose first home-network
/// sighting (<c>seen_imeis.first_home_seen</c>) was set or moved earlier: each got an imei_changes row.
/// </summary>
/// <see cref="PendingSightings"/> counts the rows a deferred ingest appended to sightings_pending for the roll-up.
public readonly record struct MergeCounts(long NewSightings, long ChangedSightings, long UnchangedSightings, long NewImeis, long ChangedImeis,
    long WindowStarts = 0, long PendingSightings = 0)
{
    public static MergeCounts operator +(MergeCounts a, MergeCounts b) => new(
        a.NewSightings + b.NewSightings,
        a.ChangedSightings + b.ChangedSightings,
        a.UnchangedSightings + b.UnchangedSightings,
        a.NewImeis + b.NewImeis,
        a.ChangedImeis + b.ChangedImeis,
        a.WindowStarts + b.WindowStarts,
        a.PendingSightings + b.PendingSightings);

    public static MergeCounts Add(MergeCounts left, MergeCounts right) => left + right;
}

/// <summary>
/// Merges aggregated sightings into the store inside the caller's transaction, with no EF change
/// tracking: SQLite through prepared statements, PostgreSQL through binary COPY (straight into the
/// tables for IMEIs the store has never seen, through staging tables otherwise). Merging is idempotent
/// and order-independent: day masks are OR-ed, first/last seen take min/max, the MSISDN follows the
/// latest sighting. Every IMEI whose first home-network sighting is set or moved earlier gets an
/// imei_changes row (source "sightings") in the same transaction, so the EIR index learns the start
/// of its registration window; every IMEI of the batch is queued for continuous clone detection
/// (<see cref="Clones.CloneDetectionQueue"/>) in that transaction too.
/// </summary>
public static class SightingsMerger
{
    /// <summary>The imei_changes source of a registration window start learnt from sightings.</summary>
    public const string ChangeSource = "sightings";

    /// <summary>Validates and aggregates a batch of single sightings, then merges it; imei_changes rows carry <paramref name="changedAtUtc"/>.</summary>
    public static Task<MergeCounts> MergeAsync(DbConnection connection, DbTransaction transaction,
        IEnumerable<SightingRecord> records, Identifiers.HomeNetworks homeNetworks, DateTime changedAtUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var buffer = new SightingBuffer(records.TryGetNonEnumeratedCount(out var n) ? Math.Max(n, 1) : 4096, homeNetworks);
        foreach (var r in records)
        {
            var problem = Identifiers.Imsi.Validate(r.Imsi);
            if (problem != ImsiProblem.None)
            {
                throw new ArgumentException($"Sighting of IMEI {r.Imei}: IMSI '{r.Imsi}': {Identifiers.Imsi.Describe(problem)}", nameof(records));
            }

            var msisdn = default(PackedDigits);
            if (!string.IsNullOrEmpty(r.Msisdn))
            {
                if (!Msisdn.TryNormalize(r.Msisdn, out var normalized))
                {
                    throw new ArgumentException($"Sighting of IMEI {r.Imei}: MSISDN '{r.Msisdn}' is not a phone number", nameof(records));
                }

                msisdn = PackedDigits.FromText(normalized);
            }

            buffer.Add(r.Imei.Key, PackedDigits.FromText(r.Imsi), msisdn, r.OperatorId, r.Date);
        }

        return MergeAsync(connection, transaction, buffer, changedAtUtc, ct);
    }

    /// <summary>Merges everything in <paramref name="buffer"/>; imei_changes rows carry <paramref name="changedAtUtc"/>.</summary>
    public static Task<MergeCounts> MergeAsync(DbConnection connection, DbTransaction transaction, SightingBuffer buffer,
        DateTime changedAtUtc, CancellationToken ct = default) => MergeAsync(connection, transaction, buffer, changedAtUtc, queueForDetection: true, ct);

    /// <param name="queueForDetection">False only for the roll-up of sightings continuous detection has already evaluated.</param>
    internal static Task<MergeCounts> MergeAsync(DbConnection connection, DbTransaction transaction, SightingBuffer buffer,
        DateTime changedAtUtc, bool queueForDetection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.IsEmpty)
        {
            return Task.FromResult(default(MergeCounts));
        }

        ArgumentNullException.ThrowIfNull(transaction);
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The transaction belongs to another connection.", nameof(transaction));
        }

        return MergeAndQueueAsync(connection, transaction, buffer, changedAtUtc, queueForDetection, ct);
    }

    private static async Task<MergeCounts> MergeAndQueueAsync(DbConnection connection, DbTransaction transaction, SightingBuffer buffer,
        DateTime changedAtUtc, bool queueForDetection, CancellationToken ct)
    {
        var counts = await (connection switch
        {
            SqliteConnection sqlite => new SqliteSightingsWriter(sqlite).MergeAsync(buffer, changedAtUtc, ct),
            NpgsqlConnection npgsql => PostgresSightingsWriter.MergeAsync(npgsql, (NpgsqlTransaction)transaction, buffer, changedAtUtc, ct),
            _ => throw new NotSupportedException($"No sightings writer for {connection.GetType().Name}"),
        });

        if (!queueForDetection)
        {
            return counts;
        }

        // Same transaction: a sighting is never committed without its IMEI queued for continuous clone detection.
        var imeis = buffer.SortedImeis();
        var keys = new long[imeis.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = imeis[i].Key;
        }

        await Clones.CloneDetectionQueue.TouchAsync(connection, transaction, keys, changedAtUtc, ct);
        return counts;
    }
}
