using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Sightings;

/// <summary>
/// PostgreSQL merge path: binary COPY of a chunk into temporary staging tables, then one
/// INSERT ... SELECT ... ON CONFLICT DO UPDATE per table. The update only fires when it changes
/// something; <c>xmax = 0</c> on a returned row marks an insert.
/// </summary>
internal static class PostgresSightingsWriter
{
    private const string CreateStaging =
        "CREATE TEMP TABLE IF NOT EXISTS sightings_stage (imei bigint NOT NULL, imsi varchar(15) NOT NULL, " +
        "operator_id integer NOT NULL, month integer NOT NULL, day_mask integer NOT NULL, first_seen date NOT NULL, " +
        "last_seen date NOT NULL, msisdn varchar(15) NULL) ON COMMIT DROP; " +
        "CREATE TEMP TABLE IF NOT EXISTS seen_imeis_stage (imei bigint NOT NULL, first_seen date NOT NULL, " +
        "last_seen date NOT NULL, first_home_seen date NULL) ON COMMIT DROP; " +
        "TRUNCATE sightings_stage, seen_imeis_stage;";

    private const string NewerMsisdn =
        "CASE WHEN excluded.last_seen > s.last_seen THEN excluded.msisdn WHEN excluded.last_seen < s.last_seen THEN s.msisdn " +
        "WHEN excluded.msisdn IS NULL THEN s.msisdn WHEN s.msisdn IS NULL THEN excluded.msisdn " +
        "WHEN excluded.msisdn COLLATE \"C\" > s.msisdn COLLATE \"C\" THEN excluded.msisdn ELSE s.msisdn END";

    private const string MergeSightings =
        "WITH up AS (INSERT INTO sightings AS s (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) " +
        "SELECT imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn FROM sightings_stage " +
        "ON CONFLICT (imei, imsi, operator_id, month) DO UPDATE SET day_mask = s.day_mask | excluded.day_mask, " +
        "first_seen = LEAST(s.first_seen, excluded.first_seen), last_seen = GREATEST(s.last_seen, excluded.last_seen), " +
        "msisdn = " + NewerMsisdn + " " +
        "WHERE (s.day_mask | excluded.day_mask) <> s.day_mask OR excluded.first_seen < s.first_seen " +
        "OR excluded.last_seen > s.last_seen OR (excluded.last_seen = s.last_seen AND excluded.msisdn IS NOT NULL " +
        "AND (s.msisdn IS NULL OR excluded.msisdn COLLATE \"C\" > s.msisdn COLLATE \"C\")) " +
        "RETURNING (s.xmax = 0) AS inserted) " +
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up";

    private const string MergeImeis =
        "WITH up AS (INSERT INTO seen_imeis AS s (imei, first_seen, last_seen, first_home_seen) " +
        "SELECT imei, first_seen, last_seen, first_home_seen FROM seen_imeis_stage " +
        "ON CONFLICT (imei) DO UPDATE SET first_seen = LEAST(s.first_seen, excluded.first_seen), " +
        "last_seen = GREATEST(s.last_seen, excluded.last_seen), " +
        "first_home_seen = LEAST(s.first_home_seen, excluded.first_home_seen) " +
        "WHERE excluded.first_seen < s.first_seen OR excluded.last_seen > s.last_seen " +
        "OR (excluded.first_home_seen IS NOT NULL AND (s.first_home_seen IS NULL OR excluded.first_home_seen < s.first_home_seen)) " +
        "RETURNING (s.xmax = 0) AS inserted) " +
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up";

    public static async Task<MergeCounts> MergeAsync(NpgsqlConnection connection, SightingBuffer buffer, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand(CreateStaging, connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await CopySightingsAsync(connection, buffer, ct);
        await CopyImeisAsync(connection, buffer, ct);
        var (newSightings, changedSightings) = await RunCountingAsync(connection, MergeSightings, ct);
        var (newImeis, changedImeis) = await RunCountingAsync(connection, MergeImeis, ct);
        return new MergeCounts(newSightings, changedSightings, buffer.SightingCount - newSightings - changedSightings, newImeis, changedImeis);
    }

    private static async Task CopySightingsAsync(NpgsqlConnection connection, SightingBuffer buffer, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY sightings_stage (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (key, s) in buffer.SortedSightings([]))
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(key.Imei, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(key.Imsi.ToString(), NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(key.OperatorId, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(key.Month, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(s.DayMask, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(DateOnly.FromDayNumber(s.FirstDay), NpgsqlDbType.Date, ct);
            await importer.WriteAsync(DateOnly.FromDayNumber(s.LastDay), NpgsqlDbType.Date, ct);
            if (s.Msisdn.IsEmpty)
            {
                await importer.WriteNullAsync(ct);
            }
            else
            {
                await importer.WriteAsync(s.Msisdn.ToString(), NpgsqlDbType.Varchar, ct);
            }
        }

        await importer.CompleteAsync(ct);
    }

    private static async Task CopyImeisAsync(NpgsqlConnection connection, SightingBuffer buffer, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY seen_imeis_stage (imei, first_seen, last_seen, first_home_seen) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (imei, i) in buffer.SortedImeis([]))
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(imei, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(DateOnly.FromDayNumber(i.FirstDay), NpgsqlDbType.Date, ct);
            await importer.WriteAsync(DateOnly.FromDayNumber(i.LastDay), NpgsqlDbType.Date, ct);
            if (i.FirstHomeDay == SightingBuffer.NoDay)
            {
                await importer.WriteNullAsync(ct);
            }
            else
            {
                await importer.WriteAsync(DateOnly.FromDayNumber(i.FirstHomeDay), NpgsqlDbType.Date, ct);
            }
        }

        await importer.CompleteAsync(ct);
    }

    private static async Task<(long Inserted, long Updated)> RunCountingAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
