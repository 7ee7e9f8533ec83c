using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Sightings;

namespace DeviceRegistry.Eir;

/// <summary>
/// Writes a batch of check sightings through the ingest's merge (<see cref="SightingsMerger"/>), in one
/// transaction: the same aggregation, the same merge rules, and the same imei_changes row when a
/// check sets or moves earlier an IMEI's first home-network sighting. The IMSI and MSISDN come
/// digits-only from the query parser and are stored as sent.
/// </summary>
public sealed class SqlSightingSink(RegistryDatabase database, HomeNetworks homeNetworks, TimeProvider clock) : ISightingSink
{
    public async Task WriteAsync(IReadOnlyList<CheckSighting> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var buffer = new SightingBuffer(batch.Count, homeNetworks);
        foreach (var s in batch)
        {
            buffer.Add(s.Imei, PackedDigits.FromText(s.Imsi), s.Msisdn is null ? default : PackedDigits.FromText(s.Msisdn), s.OperatorId, s.Day);
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await SightingsMerger.MergeAsync(connection, tx, buffer, clock.GetUtcNow().UtcDateTime, ct);
        await tx.CommitAsync(ct);
    }
}
