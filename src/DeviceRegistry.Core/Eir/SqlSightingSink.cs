using System.Data.Common;
using DeviceRegistry.Data;

namespace DeviceRegistry.Eir;

/// <summary>
/// The sightings merge with plain SQL on both providers: the batch is first folded in memory (one row
/// per IMEI, IMSI, operator and month; one per IMEI), then upserted in one transaction with
/// INSERT … ON CONFLICT DO UPDATE (PostgreSQL: one statement per table over unnest'ed arrays;
/// SQLite: prepared multi-row statements of <see cref="SqliteRowsPerStatement"/> rows, in key order).
/// </summary>
public sealed class SqlSightingSink(RegistryDatabase database) : ISightingSink
{
    // Checks arrive at tens of thousands a second and each is a row in both tables: per-statement overhead
    // (binding, stepping) is most of SQLite's cost, so rows go in groups (docs/benchmarks.md, "EIR over HTTP").
    private const int SqliteRowsPerStatement = 64;

    private const string SqliteSightingsInsert = "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) VALUES ";

    private const string SqliteSightings = """
        ON CONFLICT (imei, imsi, operator_id, month) DO UPDATE SET
            day_mask = sightings.day_mask | excluded.day_mask,
            first_seen = min(sightings.first_seen, excluded.first_seen),
            msisdn = CASE WHEN excluded.last_seen >= sightings.last_seen THEN coalesce(excluded.msisdn, sightings.msisdn)
                          ELSE coalesce(sightings.msisdn, excluded.msisdn) END,
            last_seen = max(sightings.last_seen, excluded.last_seen)
        """;

    private const string SqliteSeenInsert = "INSERT INTO seen_imeis (imei, first_seen, last_seen, first_home_seen) VALUES ";

    private const string SqliteSeen = """
        ON CONFLICT (imei) DO UPDATE SET
            first_seen = min(seen_imeis.first_seen, excluded.first_seen),
            last_seen = max(seen_imeis.last_seen, excluded.last_seen),
            first_home_seen = min(coalesce(seen_imeis.first_home_seen, excluded.first_home_seen),
                                  coalesce(excluded.first_home_seen, seen_imeis.first_home_seen))
        """;

    // LEAST and GREATEST skip NULLs on PostgreSQL, which is what first_home_seen needs.
    private const string PostgresSightings = """
        INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn)
        SELECT * FROM unnest(@imei, @imsi, @op, @month, @mask, @first, @last, @msisdn)
        ON CONFLICT (imei, imsi, operator_id, month) DO UPDATE SET
            day_mask = sightings.day_mask | excluded.day_mask,
            first_seen = LEAST(sightings.first_seen, excluded.first_seen),
            msisdn = CASE WHEN excluded.last_seen >= sightings.last_seen THEN coalesce(excluded.msisdn, sightings.msisdn)
                          ELSE coalesce(sightings.msisdn, excluded.msisdn) END,
            last_seen = GREATEST(sightings.last_seen, excluded.last_seen)
        """;

    private const string PostgresSeen = """
        INSERT INTO seen_imeis (imei, first_seen, last_seen, first_home_seen)
        SELECT * FROM unnest(@imei, @first, @last, @home)
        ON CONFLICT (imei) DO UPDATE SET
            first_seen = LEAST(seen_imeis.first_seen, excluded.first_seen),
            last_seen = GREATEST(seen_imeis.last_seen, excluded.last_seen),
            first_home_seen = LEAST(seen_imeis.first_home_seen, excluded.first_home_seen)
        """;

    public async Task WriteAsync(IReadOnlyList<CheckSighting> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var (sightings, seen) = Fold(batch);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (database.IsSqlite)
        {
            await WriteSqliteAsync(connection, tx, sightings, seen, ct);
        }
        else
        {
            await WritePostgresAsync(connection, tx, sightings, seen, ct);
        }

        await tx.CommitAsync(ct);
    }

    private static (List<FoldedSighting> Sightings, List<FoldedSeen> Seen) Fold(IReadOnlyList<CheckSighting> batch)
    {
        var sightings = new Dictionary<(long, string, int, int), FoldedSighting>();
        var seen = new Dictionary<long, FoldedSeen>();
        foreach (var s in batch)
        {
            var month = (s.Day.Year * 100) + s.Day.Month;
            var key = (s.Imei, s.Imsi, s.OperatorId, month);
            var bit = 1 << (s.Day.Day - 1);
            if (sightings.TryGetValue(key, out var f))
            {
                f.DayMask |= bit;
                if (s.Day < f.First)
                {
                    f.First = s.Day;
                }

                if (s.Day >= f.Last)
                {
                    f.Last = s.Day;
                    f.Msisdn = s.Msisdn ?? f.Msisdn;
                }
            }
            else
            {
                sightings[key] = new FoldedSighting(s.Imei, s.Imsi, s.OperatorId, month) { DayMask = bit, First = s.Day, Last = s.Day, Msisdn = s.Msisdn };
            }

            if (!seen.TryGetValue(s.Imei, out var e))
            {
                seen[s.Imei] = e = new FoldedSeen(s.Imei) { First = s.Day, Last = s.Day };
            }

            e.First = s.Day < e.First ? s.Day : e.First;
            e.Last = s.Day > e.Last ? s.Day : e.Last;
            if (s.IsHome && (e.FirstHome is null || s.Day < e.FirstHome))
            {
                e.FirstHome = s.Day;
            }
        }

        return (sightings.Values.ToList(), seen.Values.ToList());
    }

    private async Task WriteSqliteAsync(DbConnection connection, DbTransaction tx, List<FoldedSighting> sightings, List<FoldedSeen> seen, CancellationToken ct)
    {
        // Key order keeps consecutive rows on the same B-tree pages.
        sightings.Sort(static (a, b) => a.Imei != b.Imei ? a.Imei.CompareTo(b.Imei) : string.CompareOrdinal(a.Imsi, b.Imsi));
        seen.Sort(static (a, b) => a.Imei.CompareTo(b.Imei));
        await UpsertSqliteAsync(connection, tx, SqliteSightingsInsert, SqliteSightings, 8, sightings, (s, p, i) =>
        {
            p[i] = s.Imei;
            p[i + 1] = s.Imsi;
            p[i + 2] = s.OperatorId;
            p[i + 3] = s.Month;
            p[i + 4] = s.DayMask;
            p[i + 5] = DbValues.DateParameter(database, s.First);
            p[i + 6] = DbValues.DateParameter(database, s.Last);
            p[i + 7] = (object?)s.Msisdn ?? DBNull.Value;
        }, ct);
        await UpsertSqliteAsync(connection, tx, SqliteSeenInsert, SqliteSeen, 4, seen, (s, p, i) =>
        {
            p[i] = s.Imei;
            p[i + 1] = DbValues.DateParameter(database, s.First);
            p[i + 2] = DbValues.DateParameter(database, s.Last);
            p[i + 3] = s.FirstHome is { } h ? DbValues.DateParameter(database, h) : DBNull.Value;
        }, ct);
    }

    /// <summary>Runs "insert … VALUES (…), (…) upsert" over the rows, <see cref="SqliteRowsPerStatement"/> rows per statement.</summary>
    private static async Task UpsertSqliteAsync<T>(DbConnection connection, DbTransaction tx, string insert, string upsert, int columns,
        List<T> rows, Action<T, object[], int> bind, CancellationToken ct)
    {
        DbCommand? command = null;
        var values = Array.Empty<object>();
        try
        {
            for (var start = 0; start < rows.Count; start += SqliteRowsPerStatement)
            {
                var count = Math.Min(SqliteRowsPerStatement, rows.Count - start);
                if (command is null || values.Length != count * columns)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = CreateMultiRowCommand(connection, tx, insert, upsert, columns, count);
                    values = new object[count * columns];
                    await command.PrepareAsync(ct);
                }

                for (var r = 0; r < count; r++)
                {
                    bind(rows[start + r], values, r * columns);
                }

                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters[i].Value = values[i];
                }

                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }

    private static DbCommand CreateMultiRowCommand(DbConnection connection, DbTransaction tx, string insert, string upsert, int columns, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        var sql = new System.Text.StringBuilder(insert);
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns; c++)
            {
                var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@p{(r * columns) + c}");
                sql.Append(c == 0 ? name : ", " + name);
                DbValues.AddParameter(command, name, null);
            }

            sql.Append(')');
        }

        command.CommandText = sql.Append('\n').Append(upsert).ToString();
        return command;
    }

    private static async Task WritePostgresAsync(DbConnection connection, DbTransaction tx, List<FoldedSighting> sightings, List<FoldedSeen> seen, CancellationToken ct)
    {
        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = PostgresSightings;
            DbValues.AddParameter(cmd, "@imei", sightings.Select(s => s.Imei).ToArray());
            DbValues.AddParameter(cmd, "@imsi", sightings.Select(s => s.Imsi).ToArray());
            DbValues.AddParameter(cmd, "@op", sightings.Select(s => s.OperatorId).ToArray());
            DbValues.AddParameter(cmd, "@month", sightings.Select(s => s.Month).ToArray());
            DbValues.AddParameter(cmd, "@mask", sightings.Select(s => s.DayMask).ToArray());
            DbValues.AddParameter(cmd, "@first", sightings.Select(s => s.First).ToArray());
            DbValues.AddParameter(cmd, "@last", sightings.Select(s => s.Last).ToArray());
            var msisdn = (Npgsql.NpgsqlParameter)DbValues.AddParameter(cmd, "@msisdn", sightings.Select(s => s.Msisdn).ToArray());
            msisdn.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Varchar;
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = PostgresSeen;
            DbValues.AddParameter(cmd, "@imei", seen.Select(s => s.Imei).ToArray());
            DbValues.AddParameter(cmd, "@first", seen.Select(s => s.First).ToArray());
            DbValues.AddParameter(cmd, "@last", seen.Select(s => s.Last).ToArray());
            DbValues.AddParameter(cmd, "@home", seen.Select(s => s.FirstHome).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed class FoldedSighting(long imei, string imsi, int operatorId, int month)
    {
        public long Imei { get; } = imei;

        public string Imsi { get; } = imsi;

        public int OperatorId { get; } = operatorId;

        public int Month { get; } = month;

        public int DayMask { get; set; }

        public DateOnly First { get; set; }

        public DateOnly Last { get; set; }

        public string? Msisdn { get; set; }
    }

    private sealed class FoldedSeen(long imei)
    {
        public long Imei { get; } = imei;

        public DateOnly First { get; set; }

        public DateOnly Last { get; set; }

        public DateOnly? FirstHome { get; set; }
    }
}
