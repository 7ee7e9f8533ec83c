using System.Data.Common;
using DeviceRegistry.Identifiers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeviceRegistry.Sightings;

/// <summary>One attach seen on the network: the web host records each EIR check this way.</summary>
public readonly record struct SightingRecord(Imei Imei, string Imsi, string? Msisdn, int OperatorId, DateOnly Date);

/// <summary>What a merge did to the store.</summary>
public readonly record struct MergeCounts(long NewSightings, long ChangedSightings, long UnchangedSightings, long NewImeis, long ChangedImeis)
{
    public static MergeCounts operator +(MergeCounts a, MergeCounts b) => new(
        a.NewSightings + b.NewSightings,
        a.ChangedSightings + b.ChangedSightings,
        a.UnchangedSightings + b.UnchangedSightings,
        a.NewImeis + b.NewImeis,
        a.ChangedImeis + b.ChangedImeis);

    public static MergeCounts Add(MergeCounts left, MergeCounts right) => left + right;
}

/// <summary>
/// Merges aggregated sightings into the store inside the caller's transaction, with no EF change
/// tracking: SQLite through prepared statements, PostgreSQL through binary COPY into a staging table
/// and one INSERT ... ON CONFLICT per chunk. Merging is idempotent and order-independent: day masks
/// are OR-ed, first/last seen take min/max, the MSISDN follows the latest sighting.
/// </summary>
public static class SightingsMerger
{
    /// <summary>Validates and aggregates a batch of single sightings, then merges it.</summary>
    public static Task<MergeCounts> MergeAsync(DbConnection connection, DbTransaction transaction,
        IEnumerable<SightingRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var buffer = new SightingBuffer(records.TryGetNonEnumeratedCount(out var n) ? Math.Max(n, 1) : 4096);
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

        return MergeAsync(connection, transaction, buffer, ct);
    }

    /// <summary>Merges everything in <paramref name="buffer"/> (which is left as it was; the caller clears it).</summary>
    public static Task<MergeCounts> MergeAsync(DbConnection connection, DbTransaction transaction, SightingBuffer buffer, CancellationToken ct = default)
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

        return connection switch
        {
            SqliteConnection sqlite => new SqliteSightingsWriter(sqlite).MergeAsync(buffer, ct),
            NpgsqlConnection npgsql => PostgresSightingsWriter.MergeAsync(npgsql, buffer, ct),
            _ => throw new NotSupportedException($"No sightings writer for {connection.GetType().Name}"),
        };
    }
}
