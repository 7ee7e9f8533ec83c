using System.Collections.Frozen;
using System.Data.Common;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;

namespace DeviceRegistry.Eir;

/// <summary>One row of the imei_changes log.</summary>
public readonly record struct ImeiChangeRow(long Id, long Imei);

/// <summary>What the database says about one IMEI now.</summary>
public sealed record ImeiDecisionData(long Imei, EirDeviceState State, IReadOnlyCollection<long> AllowedImsis);

/// <summary>
/// Reads the decision data for the index with raw connections: seen_imeis.first_home_seen (the
/// window), clone_statuses and clone_allowed_pairs, registrations and blocks through
/// <see cref="IDeviceStatusSource"/>, the TAC list, and the imei_changes log.
/// </summary>
public sealed class EirIndexLoader(RegistryDatabase database, IDeviceStatusSource deviceStatuses)
{
    private const int ChunkSize = 5000;

    public RegistryDatabase Database => database;

    /// <summary>The whole index content, and the last imei_changes id read before it (changes after it are re-applied).</summary>
    public async Task<(EirIndex.IndexSnapshot Snapshot, long LastChangeId)> LoadAllAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        // Read the log position first: anything changed while loading is applied again afterwards.
        var lastChangeId = await ScalarAsync(connection, "SELECT COALESCE(MAX(id), 0) FROM imei_changes", ct);
        var expected = await ScalarAsync(connection, "SELECT COUNT(*) FROM seen_imeis WHERE first_home_seen IS NOT NULL", ct)
            + await ScalarAsync(connection, "SELECT COUNT(*) FROM clone_statuses", ct);
        var snapshot = new EirIndex.IndexSnapshot(expected);

        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT imei, first_home_seen FROM seen_imeis WHERE first_home_seen IS NOT NULL";
            cmd.CommandTimeout = 0;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                snapshot.Set(reader.GetInt64(0), new EirDeviceState(DeviceStatusFlags.None, false, DbValues.ReadDate(reader, 1)));
            }
        }

        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT imei FROM clone_statuses WHERE status = @clone";
            DbValues.AddParameter(cmd, "@clone", CloneStatusValues.Clone);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var imei = reader.GetInt64(0);
                snapshot.Set(imei, snapshot.Get(imei) with { IsClone = true });
                snapshot.AllowedPairs[imei] = [];
            }
        }

        var pairs = new Dictionary<long, List<long>>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT p.imei, p.imsi FROM clone_allowed_pairs p JOIN clone_statuses s ON s.imei = p.imei WHERE s.status = @clone";
            DbValues.AddParameter(cmd, "@clone", CloneStatusValues.Clone);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var imei = reader.GetInt64(0);
                if (!pairs.TryGetValue(imei, out var list))
                {
                    pairs[imei] = list = [];
                }

                list.Add(EirQuery.ImsiCode(reader.GetString(1)));
            }
        }

        foreach (var (imei, list) in pairs)
        {
            snapshot.AllowedPairs[imei] = EirIndex.ToSortedArray(list);
        }

        await deviceStatuses.ReadAllAsync(connection, (imei, flags) =>
            snapshot.Set(imei, snapshot.Get(imei) with { Status = snapshot.Get(imei).Status | flags }), ct);
        snapshot.KnownTacs = await ReadKnownTacsAsync(connection, ct);
        return (snapshot, lastChangeId);
    }

    /// <summary>Up to <paramref name="limit"/> log rows with id above <paramref name="afterId"/>, in id order.</summary>
    public async Task<List<ImeiChangeRow>> ReadChangesAsync(long afterId, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, imei FROM imei_changes WHERE id > @after ORDER BY id LIMIT @limit";
        DbValues.AddParameter(cmd, "@after", afterId);
        DbValues.AddParameter(cmd, "@limit", limit);
        var rows = new List<ImeiChangeRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ImeiChangeRow(reader.GetInt64(0), reader.GetInt64(1)));
        }

        return rows;
    }

    /// <summary>The current decision data of these IMEIs, one entry per IMEI asked for.</summary>
    public async Task<List<ImeiDecisionData>> ReadImeisAsync(IReadOnlyCollection<long> imeis, CancellationToken ct)
    {
        var result = new List<ImeiDecisionData>(imeis.Count);
        await using var connection = await database.OpenConnectionAsync(ct);
        foreach (var chunk in imeis.Distinct().Chunk(ChunkSize))
        {
            var states = chunk.ToDictionary(i => i, _ => default(EirDeviceState));
            var pairs = new Dictionary<long, List<long>>();
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT imei, first_home_seen FROM seen_imeis WHERE first_home_seen IS NOT NULL AND "
                    + DbValues.InKeys(database, cmd, "imei", chunk);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var imei = reader.GetInt64(0);
                    states[imei] = states[imei] with { FirstHomeSeen = DbValues.ReadDate(reader, 1) };
                }
            }

            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT imei FROM clone_statuses WHERE status = @clone AND " + DbValues.InKeys(database, cmd, "imei", chunk);
                DbValues.AddParameter(cmd, "@clone", CloneStatusValues.Clone);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var imei = reader.GetInt64(0);
                    states[imei] = states[imei] with { IsClone = true };
                }
            }

            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT imei, imsi FROM clone_allowed_pairs WHERE " + DbValues.InKeys(database, cmd, "imei", chunk);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var imei = reader.GetInt64(0);
                    if (!pairs.TryGetValue(imei, out var list))
                    {
                        pairs[imei] = list = [];
                    }

                    list.Add(EirQuery.ImsiCode(reader.GetString(1)));
                }
            }

            await deviceStatuses.ReadAsync(connection, chunk, (imei, flags) =>
            {
                if (states.TryGetValue(imei, out var s))
                {
                    states[imei] = s with { Status = s.Status | flags };
                }
            }, ct);

            foreach (var (imei, state) in states)
            {
                result.Add(new ImeiDecisionData(imei, state, state.IsClone && pairs.TryGetValue(imei, out var list) ? list : []));
            }
        }

        return result;
    }

    public async Task<FrozenSet<int>> ReadKnownTacsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await ReadKnownTacsAsync(connection, ct);
    }

    public async Task<long> CountTacsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await ScalarAsync(connection, "SELECT COUNT(*) FROM tacs", ct);
    }

    private static async Task<FrozenSet<int>> ReadKnownTacsAsync(DbConnection connection, CancellationToken ct)
    {
        var tacs = new List<int>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT tac FROM tacs";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tacs.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return tacs.ToFrozenSet();
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
