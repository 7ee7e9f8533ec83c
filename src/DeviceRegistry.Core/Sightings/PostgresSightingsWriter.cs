using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Sightings;

/// <summary>
/// PostgreSQL merge path. A chunk is first binary-COPied straight into seen_imeis, sightings and
/// imei_changes, inside a savepoint: when none of its IMEIs is stored (a first load, a day of new
/// devices) that is all. When one is, the primary key of seen_imeis stops the COPY, the savepoint is
/// rolled back, and the chunk goes through temporary staging tables: per table one UPDATE ... FROM
/// for the keys already stored (writing only rows it changes) and one INSERT ... SELECT for the new
/// keys, whose row counts are the merged and new counts.
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

    private const string SightingKeyMatch =
        "s.imei = st.imei AND s.imsi = st.imsi AND s.operator_id = st.operator_id AND s.month = st.month";

    // Existing keys first: one UPDATE ... FROM that writes only rows it changes.
    private const string UpdateSightings =
        "UPDATE sightings s SET day_mask = s.day_mask | st.day_mask, " +
        "first_seen = LEAST(s.first_seen, st.first_seen), last_seen = GREATEST(s.last_seen, st.last_seen), " +
        "msisdn = CASE WHEN st.last_seen > s.last_seen THEN st.msisdn WHEN st.last_seen < s.last_seen THEN s.msisdn " +
        "WHEN st.msisdn IS NULL THEN s.msisdn WHEN s.msisdn IS NULL THEN st.msisdn " +
        "WHEN st.msisdn COLLATE \"C\" > s.msisdn COLLATE \"C\" THEN st.msisdn ELSE s.msisdn END " +
        "FROM sightings_stage st WHERE " + SightingKeyMatch + " " +
        "AND ((s.day_mask | st.day_mask) <> s.day_mask OR st.first_seen < s.first_seen OR st.last_seen > s.last_seen " +
        "OR (st.last_seen = s.last_seen AND st.msisdn IS NOT NULL AND (s.msisdn IS NULL OR st.msisdn COLLATE \"C\" > s.msisdn COLLATE \"C\")))";

    // Then the new keys, as a plain insert. The ON CONFLICT clause only matters when another
    // transaction inserted the same key meanwhile: it is merged by the same rules, not dropped.
    private const string InsertSightings =
        "INSERT INTO sightings AS s (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) " +
        "SELECT st.imei, st.imsi, st.operator_id, st.month, st.day_mask, st.first_seen, st.last_seen, st.msisdn FROM sightings_stage st " +
        "WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE " + SightingKeyMatch + ") " +
        "ON CONFLICT (imei, imsi, operator_id, month) DO UPDATE SET day_mask = s.day_mask | excluded.day_mask, " +
        "first_seen = LEAST(s.first_seen, excluded.first_seen), last_seen = GREATEST(s.last_seen, excluded.last_seen), " +
        "msisdn = CASE WHEN excluded.last_seen > s.last_seen THEN excluded.msisdn WHEN excluded.last_seen < s.last_seen THEN s.msisdn " +
        "WHEN excluded.msisdn IS NULL THEN s.msisdn WHEN s.msisdn IS NULL THEN excluded.msisdn " +
        "WHEN excluded.msisdn COLLATE \"C\" > s.msisdn COLLATE \"C\" THEN excluded.msisdn ELSE s.msisdn END";

    private const string UpdateImeis =
        "UPDATE seen_imeis s SET first_seen = LEAST(s.first_seen, st.first_seen), last_seen = GREATEST(s.last_seen, st.last_seen), " +
        "first_home_seen = LEAST(s.first_home_seen, st.first_home_seen) " +
        "FROM seen_imeis_stage st WHERE s.imei = st.imei " +
        "AND (st.first_seen < s.first_seen OR st.last_seen > s.last_seen " +
        "OR (st.first_home_seen IS NOT NULL AND (s.first_home_seen IS NULL OR st.first_home_seen < s.first_home_seen)))";

    // Before seen_imeis is updated: the staged IMEIs whose window start this chunk sets or moves earlier.
    private const string InsertWindowStarts =
        "INSERT INTO imei_changes (imei, source, changed_at) SELECT st.imei, '" + SightingsMerger.ChangeSource + "', @at " +
        "FROM seen_imeis_stage st WHERE st.first_home_seen IS NOT NULL " +
        "AND NOT EXISTS (SELECT 1 FROM seen_imeis s WHERE s.imei = st.imei AND s.first_home_seen <= st.first_home_seen) ORDER BY st.imei";

    private const string InsertImeis =
        "INSERT INTO seen_imeis AS s (imei, first_seen, last_seen, first_home_seen) " +
        "SELECT st.imei, st.first_seen, st.last_seen, st.first_home_seen FROM seen_imeis_stage st " +
        "WHERE NOT EXISTS (SELECT 1 FROM seen_imeis s WHERE s.imei = st.imei) " +
        "ON CONFLICT (imei) DO UPDATE SET first_seen = LEAST(s.first_seen, excluded.first_seen), " +
        "last_seen = GREATEST(s.last_seen, excluded.last_seen), first_home_seen = LEAST(s.first_home_seen, excluded.first_home_seen)";

    public static async Task<MergeCounts> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SightingBuffer buffer,
        DateTime changedAtUtc, CancellationToken ct)
    {
        var imeis = buffer.SortedImeis();
        const string savepoint = "sightings_direct";
        await transaction.SaveAsync(savepoint, ct);
        try
        {
            var direct = await CopyNewAsync(connection, buffer, imeis, changedAtUtc, ct);
            await transaction.ReleaseAsync(savepoint, ct);
            return direct;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The store knows at least one of the chunk's IMEIs (or keys): merge it the staged way.
            await transaction.RollbackAsync(savepoint, ct);
        }

        return await MergeStagedAsync(connection, buffer, imeis, changedAtUtc, ct);
    }

    /// <summary>
    /// The chunk as if none of its IMEIs were stored: COPY straight into seen_imeis first (its primary
    /// key fails at the first known IMEI, which in a populated store comes within the first rows, so a
    /// wrong guess costs little), then into sightings and imei_changes.
    /// </summary>
    private static async Task<MergeCounts> CopyNewAsync(NpgsqlConnection connection, SightingBuffer buffer,
        List<KeyValuePair<long, ImeiAggregate>> imeis, DateTime changedAtUtc, CancellationToken ct)
    {
        long windowStarts = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY seen_imeis (imei, first_seen, last_seen, first_home_seen) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (imei, i) in imeis)
            {
                WriteImei(importer, imei, i);
            }

            await importer.CompleteAsync(ct);
        }

        var sightings = await CopySightingsAsync(connection, "sightings", buffer, ct);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY imei_changes (imei, source, changed_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (imei, i) in imeis)
            {
                if (i.FirstHomeDay != SightingBuffer.NoDay)
                {
                    importer.StartRow();
                    importer.Write(imei, NpgsqlDbType.Bigint);
                    importer.Write(SightingsMerger.ChangeSource, NpgsqlDbType.Text);
                    importer.Write(changedAtUtc, NpgsqlDbType.TimestampTz);
                    windowStarts++;
                }
            }

            await importer.CompleteAsync(ct);
        }

        return new MergeCounts(sightings, 0, 0, imeis.Count, 0, windowStarts);
    }

    /// <summary>The staged merge of the chunk's sightings and IMEIs.</summary>
    private static async Task<MergeCounts> MergeStagedAsync(NpgsqlConnection connection, SightingBuffer buffer,
        List<KeyValuePair<long, ImeiAggregate>> imeis, DateTime changedAtUtc, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand(CreateStaging, connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var staged = await CopySightingsAsync(connection, "sightings_stage", buffer, ct);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY seen_imeis_stage (imei, first_seen, last_seen, first_home_seen) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (imei, i) in imeis)
            {
                WriteImei(importer, imei, i);
            }

            await importer.CompleteAsync(ct);
        }

        // Planner statistics for the staging tables, so the joins probe the primary keys.
        await ExecuteAsync(connection, "ANALYZE sightings_stage; ANALYZE seen_imeis_stage;", ct);
        var changedSightings = await ExecuteAsync(connection, UpdateSightings, ct);
        var newSightings = await ExecuteAsync(connection, InsertSightings, ct);
        int windowStarts;
        await using (var cmd = new NpgsqlCommand(InsertWindowStarts, connection) { CommandTimeout = 0 })
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTime>("at", NpgsqlDbType.TimestampTz) { TypedValue = changedAtUtc });
            windowStarts = await cmd.ExecuteNonQueryAsync(ct);
        }

        var changedImeis = await ExecuteAsync(connection, UpdateImeis, ct);
        var newImeis = await ExecuteAsync(connection, InsertImeis, ct);
        return new MergeCounts(newSightings, changedSightings, staged - newSightings - changedSightings, newImeis, changedImeis, windowStarts);
    }

    private static async Task<long> CopySightingsAsync(NpgsqlConnection connection, string table, SightingBuffer buffer, CancellationToken ct)
    {
        long rows = 0;
        var imsi = new char[20];
        var msisdn = new char[20];
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (key, s) in buffer.SortedSightings())
        {
            rows++;
            importer.StartRow();
            importer.Write(key.Imei, NpgsqlDbType.Bigint);
            // Text from a reused char buffer rather than a string per row; the importer encodes it at once.
            importer.Write(new ReadOnlyMemory<char>(imsi, 0, key.Imsi.WriteChars(imsi)), NpgsqlDbType.Varchar);
            importer.Write(key.OperatorId, NpgsqlDbType.Integer);
            importer.Write(key.Month, NpgsqlDbType.Integer);
            importer.Write(s.DayMask, NpgsqlDbType.Integer);
            importer.Write(DateOnly.FromDayNumber(s.FirstDay), NpgsqlDbType.Date);
            importer.Write(DateOnly.FromDayNumber(s.LastDay), NpgsqlDbType.Date);
            if (s.Msisdn.IsEmpty)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(new ReadOnlyMemory<char>(msisdn, 0, s.Msisdn.WriteChars(msisdn)), NpgsqlDbType.Varchar);
            }
        }

        await importer.CompleteAsync(ct);
        return rows;
    }

    private static void WriteImei(NpgsqlBinaryImporter importer, long imei, ImeiAggregate i)
    {
        importer.StartRow();
        importer.Write(imei, NpgsqlDbType.Bigint);
        importer.Write(DateOnly.FromDayNumber(i.FirstDay), NpgsqlDbType.Date);
        importer.Write(DateOnly.FromDayNumber(i.LastDay), NpgsqlDbType.Date);
        if (i.FirstHomeDay == SightingBuffer.NoDay)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(DateOnly.FromDayNumber(i.FirstHomeDay), NpgsqlDbType.Date);
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
