using System.Data.Common;
using System.Text.Json;
using DeviceRegistry.Data;
using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Clones;

/// <summary>
/// Records new clone verdicts in one transaction without per-row ORM overhead: prepared statements on
/// SQLite, binary COPY on PostgreSQL. Writes the verdict with its evidence, the allowed pairs, a
/// history row and an imei_changes row per IMEI.
/// </summary>
internal sealed class CloneVerdictWriter(RegistryDatabase database)
{
    public const string ChangeSource = "clones";

    /// <returns>The allowed pairs added.</returns>
    public async Task<int> WriteAsync(IReadOnlyList<CloneEvidence> matches, IReadOnlyList<long> reflagged, DateOnly asOf, DateTime now,
        CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (reflagged.Count > 0)
        {
            // the genuine owner named when the IMEI was first judged stays the genuine owner while that SIM is still on it:
            // a later copy or the sightings since an appeal must not make a copy the owner
            await using var earlier = connection.CreateCommand();
            earlier.Transaction = transaction;
            earlier.CommandText = "SELECT genuine_imsi FROM clone_statuses WHERE imei = @imei AND genuine_imsi IS NOT NULL";
            var e = Parameter(earlier, "@imei", 0L);
            var byImei = matches.Select((m, i) => (m.Imei, i)).ToDictionary(x => x.Imei, x => x.i);
            var kept = matches.ToArray();
            foreach (var imei in reflagged)
            {
                e.Value = imei;
                if (await earlier.ExecuteScalarAsync(ct) is string g && byImei.TryGetValue(imei, out var index)
                    && kept[index].GenuineImsi != g && kept[index].Imsis.Contains(g, StringComparer.Ordinal))
                {
                    kept[index] = kept[index] with { GenuineImsi = g, GenuineReason = "the genuine owner named in the earlier verdict" };
                }
            }

            matches = kept;
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM clone_statuses WHERE imei = @imei AND status = 'Cleared'";
            var p = Parameter(delete, "@imei", 0L);
            foreach (var imei in reflagged)
            {
                p.Value = imei;
                await delete.ExecuteNonQueryAsync(ct);
            }
        }

        var pairs = database.IsSqlite
            ? await WriteSqliteAsync(connection, transaction, matches, asOf, now, ct)
            : await WritePostgresAsync((NpgsqlConnection)connection, matches, asOf, now, ct);
        await transaction.CommitAsync(ct);
        return pairs;
    }

    private static async Task<int> WriteSqliteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<CloneEvidence> matches,
        DateOnly asOf, DateTime now, CancellationToken ct)
    {
        await using var status = connection.CreateCommand();
        status.Transaction = transaction;
        status.CommandText = """
            INSERT INTO clone_statuses (imei, status, since, rule, distinct_imsis, days_seen, overlap_days, overlap_share,
                concurrent_days, max_daily_imsis, first_seen, last_seen, genuine_imsi, as_of, updated_at)
            VALUES (@imei, 'Clone', @asOf, @rule, @distinct, @days, @overlap, @share, @concurrent, @maxDaily, @first, @last, @genuine, @asOf, @now)
            """;
        var sImei = Parameter(status, "@imei", 0L);
        Parameter(status, "@asOf", asOf);
        var sRule = Parameter(status, "@rule", "");
        var sDistinct = Parameter(status, "@distinct", 0);
        var sDays = Parameter(status, "@days", 0);
        var sOverlap = Parameter(status, "@overlap", 0);
        var sShare = Parameter(status, "@share", 0.0);
        var sConcurrent = Parameter(status, "@concurrent", 0);
        var sMaxDaily = Parameter(status, "@maxDaily", 0);
        var sFirst = Parameter(status, "@first", asOf);
        var sLast = Parameter(status, "@last", asOf);
        var sGenuine = Parameter(status, "@genuine", "");
        Parameter(status, "@now", now);

        await using var pair = connection.CreateCommand();
        pair.Transaction = transaction;
        pair.CommandText = "INSERT INTO clone_allowed_pairs (imei, imsi, since) VALUES (@imei, @imsi, @since) ON CONFLICT (imei, imsi) DO NOTHING";
        var pImei = Parameter(pair, "@imei", 0L);
        var pImsi = Parameter(pair, "@imsi", "");
        Parameter(pair, "@since", asOf);

        await using var history = connection.CreateCommand();
        history.Transaction = transaction;
        history.CommandText = "INSERT INTO clone_status_changes (imei, status, as_of, changed_at, rule, reason) VALUES (@imei, 'Clone', @asOf, @now, @rule, @reason)";
        var hImei = Parameter(history, "@imei", 0L);
        Parameter(history, "@asOf", asOf);
        Parameter(history, "@now", now);
        var hRule = Parameter(history, "@rule", "");
        var hReason = Parameter(history, "@reason", "");

        await using var change = connection.CreateCommand();
        change.Transaction = transaction;
        change.CommandText = "INSERT INTO imei_changes (imei, source, changed_at) VALUES (@imei, @source, @now)";
        var cImei = Parameter(change, "@imei", 0L);
        Parameter(change, "@source", ChangeSource);
        Parameter(change, "@now", now);

        var pairs = 0;
        foreach (var m in matches)
        {
            sImei.Value = m.Imei;
            sRule.Value = m.Rule;
            sDistinct.Value = m.DistinctImsis;
            sDays.Value = m.DaysSeen;
            sOverlap.Value = m.OverlapDays;
            sShare.Value = m.OverlapShare;
            sConcurrent.Value = m.ConcurrentDays;
            sMaxDaily.Value = m.MaxDailyImsis;
            sFirst.Value = m.FirstSeen;
            sLast.Value = m.LastSeen;
            sGenuine.Value = m.GenuineImsi;
            await status.ExecuteNonQueryAsync(ct);

            pImei.Value = m.Imei;
            foreach (var imsi in m.Imsis)
            {
                pImsi.Value = imsi;
                pairs += await pair.ExecuteNonQueryAsync(ct);
            }

            hImei.Value = m.Imei;
            hRule.Value = m.Rule;
            hReason.Value = Reason(m);
            await history.ExecuteNonQueryAsync(ct);

            cImei.Value = m.Imei;
            await change.ExecuteNonQueryAsync(ct);
        }

        return pairs;
    }

    private static async Task<int> WritePostgresAsync(NpgsqlConnection connection, IReadOnlyList<CloneEvidence> matches, DateOnly asOf, DateTime now,
        CancellationToken ct)
    {
        await using (var status = await connection.BeginBinaryImportAsync(
            "COPY clone_statuses (imei, status, since, rule, distinct_imsis, days_seen, overlap_days, overlap_share, concurrent_days, max_daily_imsis, first_seen, last_seen, genuine_imsi, as_of, updated_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in matches)
            {
                await status.StartRowAsync(ct);
                await status.WriteAsync(m.Imei, NpgsqlDbType.Bigint, ct);
                await status.WriteAsync(CloneStatusValues.Clone, NpgsqlDbType.Varchar, ct);
                await status.WriteAsync(asOf, NpgsqlDbType.Date, ct);
                await status.WriteAsync(m.Rule, NpgsqlDbType.Varchar, ct);
                await status.WriteAsync(m.DistinctImsis, NpgsqlDbType.Integer, ct);
                await status.WriteAsync(m.DaysSeen, NpgsqlDbType.Integer, ct);
                await status.WriteAsync(m.OverlapDays, NpgsqlDbType.Integer, ct);
                await status.WriteAsync(m.OverlapShare, NpgsqlDbType.Double, ct);
                await status.WriteAsync(m.ConcurrentDays, NpgsqlDbType.Integer, ct);
                await status.WriteAsync(m.MaxDailyImsis, NpgsqlDbType.Integer, ct);
                await status.WriteAsync(m.FirstSeen, NpgsqlDbType.Date, ct);
                await status.WriteAsync(m.LastSeen, NpgsqlDbType.Date, ct);
                await status.WriteAsync(m.GenuineImsi, NpgsqlDbType.Varchar, ct);
                await status.WriteAsync(asOf, NpgsqlDbType.Date, ct);
                await status.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }

            await status.CompleteAsync(ct);
        }

        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TEMP TABLE new_allowed_pairs (imei bigint NOT NULL, imsi varchar(15) NOT NULL) ON COMMIT DROP";
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var pairs = await connection.BeginBinaryImportAsync("COPY new_allowed_pairs (imei, imsi) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in matches)
            {
                foreach (var imsi in m.Imsis)
                {
                    await pairs.StartRowAsync(ct);
                    await pairs.WriteAsync(m.Imei, NpgsqlDbType.Bigint, ct);
                    await pairs.WriteAsync(imsi, NpgsqlDbType.Varchar, ct);
                }
            }

            await pairs.CompleteAsync(ct);
        }

        int added;
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO clone_allowed_pairs (imei, imsi, since) SELECT imei, imsi, @since FROM new_allowed_pairs ON CONFLICT (imei, imsi) DO NOTHING";
            insert.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.Date) { Value = asOf });
            added = await insert.ExecuteNonQueryAsync(ct);
        }

        await using (var history = await connection.BeginBinaryImportAsync(
            "COPY clone_status_changes (imei, status, as_of, changed_at, rule, reason) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in matches)
            {
                await history.StartRowAsync(ct);
                await history.WriteAsync(m.Imei, NpgsqlDbType.Bigint, ct);
                await history.WriteAsync(CloneStatusValues.Clone, NpgsqlDbType.Varchar, ct);
                await history.WriteAsync(asOf, NpgsqlDbType.Date, ct);
                await history.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await history.WriteAsync(m.Rule, NpgsqlDbType.Varchar, ct);
                await history.WriteAsync(Reason(m), NpgsqlDbType.Text, ct);
            }

            await history.CompleteAsync(ct);
        }

        await using (var changes = await connection.BeginBinaryImportAsync("COPY imei_changes (imei, source, changed_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in matches)
            {
                await changes.StartRowAsync(ct);
                await changes.WriteAsync(m.Imei, NpgsqlDbType.Bigint, ct);
                await changes.WriteAsync(ChangeSource, NpgsqlDbType.Text, ct);
                await changes.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }

            await changes.CompleteAsync(ct);
        }

        return added;
    }

    /// <summary>The evidence in the history row, as compact JSON (IMSIs are not repeated: they are the allowed pairs).</summary>
    private static string Reason(CloneEvidence m) => JsonSerializer.Serialize(new
    {
        m.Rule,
        m.DistinctImsis,
        m.DaysSeen,
        m.OverlapDays,
        m.OverlapShare,
        m.ConcurrentDays,
        m.MaxDailyImsis,
        FirstSeen = m.FirstSeen.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        LastSeen = m.LastSeen.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        m.GenuineImsi,
        m.GenuineReason,
        Pair = m.PairDetail,
    });

    private static DbParameter Parameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
        return p;
    }
}
