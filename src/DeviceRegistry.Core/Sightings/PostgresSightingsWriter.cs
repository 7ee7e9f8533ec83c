using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Sightings;

/// <summary>
/// PostgreSQL merge path. A chunk whose sampled IMEIs are none of them stored (a first load, a day of
/// new devices) is binary-COPied straight into seen_imeis, sightings and imei_changes, inside a
/// savepoint; should one be stored after all, the primary key of seen_imeis stops the COPY and the
/// savepoint is rolled back. Otherwise (the next day's file onto the day before) the chunk is COPied
/// into temporary staging tables and merged by one INSERT ... ON CONFLICT DO UPDATE ... WHERE per
/// table: each staged row probes the primary key once, a new key is inserted, a stored row is
/// rewritten only when the merge changes it, and with the fill factor of schema 0008 that rewrite
/// stays on its page (no new index entry).
/// </summary>
internal static class PostgresSightingsWriter
{
    private const string CreateStaging =
        "CREATE TEMP TABLE IF NOT EXISTS sightings_stage (imei bigint NOT NULL, imsi varchar(15) NOT NULL, " +
        "operator_id integer NOT NULL, month integer NOT NULL, day_mask integer NOT NULL, first_seen date NOT NULL, " +
        "last_seen date NOT NULL, msisdn varchar(15) NULL, msisdn_seen date NULL) ON COMMIT DROP; " +
        "CREATE TEMP TABLE IF NOT EXISTS seen_imeis_stage (imei bigint NOT NULL, first_seen date NOT NULL, " +
        "last_seen date NOT NULL, first_home_seen date NULL) ON COMMIT DROP; " +
        "TRUNCATE sightings_stage, seen_imeis_stage;";

    // Whether the staged row's number replaces the stored one (SightingBuffer.IsLaterNumber): the greater
    // (msisdn_seen, msisdn), a row without a number never.
    private const string NumberIsLater =
        "(excluded.msisdn IS NOT NULL AND (s.msisdn IS NULL OR excluded.msisdn_seen > s.msisdn_seen " +
        "OR (excluded.msisdn_seen = s.msisdn_seen AND excluded.msisdn COLLATE \"C\" > s.msisdn COLLATE \"C\")))";

    // The merge rules of a stored row s with a staged one (excluded), and when they change s: a row
    // the chunk changes nothing of is not rewritten (no new tuple, no WAL beyond the row lock).
    private const string MergeSighting =
        "day_mask = s.day_mask | excluded.day_mask, " +
        "first_seen = LEAST(s.first_seen, excluded.first_seen), last_seen = GREATEST(s.last_seen, excluded.last_seen), " +
        "msisdn = CASE WHEN " + NumberIsLater + " THEN excluded.msisdn ELSE s.msisdn END, " +
        "msisdn_seen = CASE WHEN " + NumberIsLater + " THEN excluded.msisdn_seen ELSE s.msisdn_seen END " +
        "WHERE (s.day_mask | excluded.day_mask) <> s.day_mask OR excluded.first_seen < s.first_seen OR excluded.last_seen > s.last_seen " +
        "OR " + NumberIsLater;

    // One pass over a month's staged rows, into that month's partition (database/postgres/0011): each probes the
    // primary key once, and is inserted or merged. A row version written by this statement's insert has xmax 0;
    // one it updated carries the statement's row lock, which is how new and merged rows are told apart (the
    // partition itself is named because a partitioned table cannot return a system column).
    private static string UpsertSightings(int month) =>
        "WITH merged AS (INSERT INTO " + SightingsPartitions.TableOf(month) + " AS s (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn, msisdn_seen) " +
        "SELECT imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn, msisdn_seen FROM sightings_stage WHERE month = " +
        month.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " +
        "ON CONFLICT (imei, imsi, operator_id, month) DO UPDATE SET " + MergeSighting + " " +
        "RETURNING s.xmax = 0 AS inserted) " +
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged";

    // The window starts and the IMEI upsert in one statement: both sub-statements see the store as it
    // was before it, so a window start compares with the old first_home_seen.
    private const string UpsertImeis =
        "WITH starts AS (INSERT INTO imei_changes (imei, source, changed_at) " +
        "SELECT st.imei, '" + SightingsMerger.ChangeSource + "', @at FROM seen_imeis_stage st LEFT JOIN seen_imeis s ON s.imei = st.imei " +
        "WHERE st.first_home_seen IS NOT NULL AND (s.first_home_seen IS NULL OR st.first_home_seen < s.first_home_seen) " +
        "ORDER BY st.imei RETURNING 1), " +
        "merged AS (INSERT INTO seen_imeis AS s (imei, first_seen, last_seen, first_home_seen) " +
        "SELECT imei, first_seen, last_seen, first_home_seen FROM seen_imeis_stage " +
        "ON CONFLICT (imei) DO UPDATE SET first_seen = LEAST(s.first_seen, excluded.first_seen), " +
        "last_seen = GREATEST(s.last_seen, excluded.last_seen), first_home_seen = LEAST(s.first_home_seen, excluded.first_home_seen) " +
        "WHERE excluded.first_seen < s.first_seen OR excluded.last_seen > s.last_seen " +
        "OR (excluded.first_home_seen IS NOT NULL AND (s.first_home_seen IS NULL OR excluded.first_home_seen < s.first_home_seen)) " +
        "RETURNING s.xmax = 0 AS inserted) " +
        "SELECT (SELECT count(*) FROM starts), count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged";

    // Whether any of a sample of the chunk's IMEIs is stored: then the direct COPY would fail, and is not tried.
    private const string AnyStored = "SELECT EXISTS (SELECT 1 FROM seen_imeis WHERE imei = ANY(@imeis))";

    private const int ProbeSample = 64;

    public static async Task<MergeCounts> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SightingBuffer buffer,
        DateTime changedAtUtc, CancellationToken ct)
    {
        var months = MonthsOf(buffer);
        await SightingsPartitions.EnsureAsync(connection, transaction, months, ct);
        var imeis = buffer.SortedImeis();
        if (await AnyStoredAsync(connection, imeis, ct))
        {
            return await MergeStagedAsync(connection, buffer, imeis, months, changedAtUtc, ct);
        }

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

        return await MergeStagedAsync(connection, buffer, imeis, months, changedAtUtc, ct);
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

        var sightings = await CopySightingsAsync(connection, "sightings", buffer.SortedSightings(), ct);
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
        List<KeyValuePair<long, ImeiAggregate>> imeis, HashSet<int> months, DateTime changedAtUtc, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand(CreateStaging, connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var staged = await CopySightingsAsync(connection, "sightings_stage", buffer.SortedSightings(), ct);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY seen_imeis_stage (imei, first_seen, last_seen, first_home_seen) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (imei, i) in imeis)
            {
                WriteImei(importer, imei, i);
            }

            await importer.CompleteAsync(ct);
        }

        // Planner statistics for the IMEI stage, so the window-start join probes the primary key.
        await ExecuteAsync(connection, "ANALYZE seen_imeis_stage;", ct);
        long newSightings = 0, changedSightings = 0;
        foreach (var month in months)
        {
            await using var cmd = new NpgsqlCommand(UpsertSightings(month), connection) { CommandTimeout = 0 };
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            newSightings += reader.GetInt64(0);
            changedSightings += reader.GetInt64(1);
        }

        long windowStarts, newImeis, changedImeis;
        await using (var cmd = new NpgsqlCommand(UpsertImeis, connection) { CommandTimeout = 0 })
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTime>("at", NpgsqlDbType.TimestampTz) { TypedValue = changedAtUtc });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (windowStarts, newImeis, changedImeis) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        return new MergeCounts(newSightings, changedSightings, staged - newSightings - changedSightings, newImeis, changedImeis, windowStarts);
    }

    private static async Task<bool> AnyStoredAsync(NpgsqlConnection connection, List<KeyValuePair<long, ImeiAggregate>> imeis, CancellationToken ct)
    {
        var sample = new long[Math.Min(ProbeSample, imeis.Count)];
        for (var k = 0; k < sample.Length; k++)
        {
            sample[k] = imeis[(int)((long)k * imeis.Count / sample.Length)].Key;
        }

        await using var cmd = new NpgsqlCommand(AnyStored, connection);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("imeis", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = sample });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>COPYs the chunk's sightings, in key order, into <paramref name="table"/> (sightings or its staging table); <paramref name="sorted"/> in key order.</summary>
    internal static async Task<long> CopySightingsAsync(NpgsqlConnection connection, string table, List<KeyValuePair<SightingKey, SightingAggregate>> sorted,
        CancellationToken ct)
    {
        long rows = 0;
        var imsi = new char[20];
        var msisdn = new char[20];
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn, msisdn_seen) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (key, s) in sorted)
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
                importer.WriteNull();
            }
            else
            {
                importer.Write(new ReadOnlyMemory<char>(msisdn, 0, s.Msisdn.WriteChars(msisdn)), NpgsqlDbType.Varchar);
                importer.Write(DateOnly.FromDayNumber(s.MsisdnDay), NpgsqlDbType.Date);
            }
        }

        await importer.CompleteAsync(ct);
        return rows;
    }

    /// <summary>COPYs a deferred ingest's rows into sightings_pending (IMEI, IMSI, operator, day, number), in the order given.</summary>
    internal static async Task<long> CopyPendingAsync(NpgsqlConnection connection, List<KeyValuePair<SightingKey, SightingAggregate>> rows, CancellationToken ct)
    {
        var imsi = new char[20];
        var msisdn = new char[20];
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY sightings_pending (imei, imsi, operator_id, day, msisdn) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (key, s) in rows)
        {
            importer.StartRow();
            importer.Write(key.Imei, NpgsqlDbType.Bigint);
            importer.Write(new ReadOnlyMemory<char>(imsi, 0, key.Imsi.WriteChars(imsi)), NpgsqlDbType.Varchar);
            importer.Write(key.OperatorId, NpgsqlDbType.Integer);
            importer.Write(DateOnly.FromDayNumber(s.FirstDay), NpgsqlDbType.Date);
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
        return rows.Count;
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

    /// <summary>The months of the chunk's sightings (a day file has one, a file across a month's end two).</summary>
    private static HashSet<int> MonthsOf(SightingBuffer buffer)
    {
        var months = new HashSet<int>();
        var last = 0;
        foreach (var (key, _) in buffer.SortedSightings())
        {
            if (key.Month != last)
            {
                months.Add(key.Month);
                last = key.Month;
            }
        }

        return months;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
