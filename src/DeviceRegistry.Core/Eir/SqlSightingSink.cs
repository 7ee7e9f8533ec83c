using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Sightings;

namespace DeviceRegistry.Eir;

/// <summary>
/// Writes a batch of check sightings in one transaction, as file ingest writes a chunk: through the ingest's merge
/// (<see cref="SightingsMerger"/>: the same aggregation, the same merge rules, and the same imei_changes row when a check
/// sets or moves earlier an IMEI's first home-network sighting), or, with <see cref="SightingsSettings.DeferMerge"/>,
/// appended to sightings_pending (<see cref="PendingSightings"/>) for the roll-up, its IMEIs queued for continuous
/// detection in the same transaction. The IMSI and MSISDN come digits-only from the query parser and are stored as sent.
/// </summary>
public sealed class SqlSightingSink(RegistryDatabase database, HomeNetworks homeNetworks, SightingsSettings settings, TimeProvider clock) : ISightingSink
{
    public async Task<bool> WriteAsync(IReadOnlyList<CheckSighting> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        ISightingChunk chunk = settings.DeferMerge ? new AppendBuffer(batch.Count) : new SightingBuffer(batch.Count, homeNetworks);
        foreach (var s in batch)
        {
            chunk.Add(s.Imei, PackedDigits.FromText(s.Imsi), s.Msisdn is null ? default : PackedDigits.FromText(s.Msisdn), s.OperatorId, s.Day);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (chunk is AppendBuffer appended)
        {
            await PendingSightings.AppendAsync(connection, tx, appended, ct);
            await CloneDetectionQueue.TouchAsync(connection, tx, batch.Select(s => s.Imei).Distinct().Order().ToArray(), now, ct);
        }
        else
        {
            await SightingsMerger.MergeAsync(connection, tx, (SightingBuffer)chunk, now, ct);
        }

        await tx.CommitAsync(ct);
        return chunk is SightingBuffer;
    }
}
