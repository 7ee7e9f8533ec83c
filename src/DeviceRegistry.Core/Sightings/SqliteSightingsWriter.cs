using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DeviceRegistry.Sightings;

/// <summary>
/// SQLite merge path: statements prepared once on the connection's raw handle and reused for every
/// key, in the caller's transaction (ADO.NET's per-call binding by name and boxing cost more than
/// the B-tree work here).
/// Each table is written in the order the chunk's keys suggest: while keys turn out new (a first
/// load), an INSERT ... ON CONFLICT DO NOTHING tells a new row from an existing one by its change
/// count and only a stored key goes on to the merge; while keys turn out stored (the next day's file
/// onto the day before), the merge comes first and only a key it did not find is inserted. A merge
/// writes only when it changes something, so a re-ingest is counted as unchanged and writes nothing.
/// </summary>
internal sealed class SqliteSightingsWriter(SqliteConnection connection)
{
    private const string InsertSighting =
        "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn, msisdn_seen) " +
        "VALUES ($imei, $imsi, $operator, $month, $mask, $first, $last, $msisdn, $seen) " +
        "ON CONFLICT (imei, imsi, operator_id, month) DO NOTHING";

    // Whether the bound number replaces the stored one (SightingBuffer.IsLaterNumber): the greater
    // (msisdn_seen, msisdn), a row without a number never. The SET expressions all read the old row.
    private const string NumberIsLater =
        "($msisdn IS NOT NULL AND (msisdn IS NULL OR $seen > msisdn_seen OR ($seen = msisdn_seen AND $msisdn > msisdn)))";

    private const string UpdateSighting =
        "UPDATE sightings SET day_mask = day_mask | $mask, first_seen = min(first_seen, $first), " +
        "msisdn = CASE WHEN " + NumberIsLater + " THEN $msisdn ELSE msisdn END, " +
        "msisdn_seen = CASE WHEN " + NumberIsLater + " THEN $seen ELSE msisdn_seen END, " +
        "last_seen = max(last_seen, $last) " +
        "WHERE imei = $imei AND imsi = $imsi AND operator_id = $operator AND month = $month " +
        "AND ((day_mask | $mask) <> day_mask OR $first < first_seen OR $last > last_seen OR " + NumberIsLater + ")";

    private const string InsertImei =
        "INSERT INTO seen_imeis (imei, first_seen, last_seen, first_home_seen) VALUES ($imei, $first, $last, $home) " +
        "ON CONFLICT (imei) DO NOTHING";

    // A stored IMEI is read, merged here and written back only when that changes it: the old
    // first_home_seen says whether the window start moved (an imei_changes row is due).
    private const string SelectImei = "SELECT first_seen, last_seen, first_home_seen FROM seen_imeis WHERE imei = $imei";

    private const string UpdateImei =
        "UPDATE seen_imeis SET first_seen = $first, last_seen = $last, first_home_seen = $home WHERE imei = $imei";

    // The next day's common case in one statement: a stored IMEI whose window start the chunk cannot
    // move (no home day in the chunk, or one no earlier than the stored one), seen on a new day.
    private const string UpdateImeiDays =
        "UPDATE seen_imeis SET first_seen = min(first_seen, $first), last_seen = max(last_seen, $last) " +
        "WHERE imei = $imei AND ($first < first_seen OR $last > last_seen) AND ($home IS NULL OR first_home_seen <= $home)";

    // One statement per chunk: a single-row INSERT into an AUTOINCREMENT table also rewrites
    // sqlite_sequence each time.
    private const string InsertChanges =
        "INSERT INTO imei_changes (imei, source, changed_at) SELECT value, '" + SightingsMerger.ChangeSource + "', $at FROM json_each($imeis)";

    public Task<MergeCounts> MergeAsync(SightingBuffer buffer, DateTime changedAtUtc, CancellationToken ct)
    {
        // The statements run on the connection's own handle, so they are part of its open transaction.
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var counts = MergeSightings(db, buffer, ct);
        counts += MergeImeis(db, buffer, changedAtUtc, ct);
        return Task.FromResult(counts);
    }

    // Rows per multi-row INSERT: one statement execution (and one call into SQLite for its change
    // count) per batch rather than per key; 9 parameters a row stays far below SQLite's limit.
    private const int BatchRows = 64;

    private static readonly string InsertSightingBatch =
        "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn, msisdn_seen) VALUES " +
        string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?)", BatchRows)) +
        " ON CONFLICT (imei, imsi, operator_id, month) DO NOTHING";

    private static MergeCounts MergeSightings(sqlite3 db, SightingBuffer buffer, CancellationToken ct)
    {
        using var insertBatch = new RawStatement(db, InsertSightingBatch, BatchRows * Columns);
        using var insert = new RawStatement(db, InsertSighting, "$imei", "$imsi", "$operator", "$month", "$mask", "$first", "$last", "$msisdn", "$seen");
        using var update = new RawStatement(db, UpdateSighting, "$imei", "$imsi", "$operator", "$month", "$mask", "$first", "$last", "$msisdn", "$seen");
        long inserted = 0, changed = 0, unchanged = 0;
        Span<byte> imsi = stackalloc byte[20];
        Span<byte> msisdn = stackalloc byte[20];
        Span<byte> first = stackalloc byte[10];
        Span<byte> last = stackalloc byte[10];
        Span<byte> seen = stackalloc byte[10];
        var sorted = buffer.SortedSightings();
        var expectNew = true;
        for (var start = 0; start < sorted.Count; start += BatchRows)
        {
            if ((start & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var end = Math.Min(start + BatchRows, sorted.Count);
            long batchInserted = 0;
            if (expectNew && end - start == BatchRows)
            {
                for (var r = 0; r < BatchRows; r++)
                {
                    var (key, s) = sorted[start + r];
                    WriteDay(s.FirstDay, first);
                    WriteDay(s.LastDay, last);
                    Bind(insertBatch, r * Columns, key, s, imsi[..key.Imsi.WriteAscii(imsi)], first, last, msisdn[..s.Msisdn.WriteAscii(msisdn)], seen);
                }

                batchInserted = insertBatch.Execute(); // bound values are copied by SQLite
                inserted += batchInserted;
                if (batchInserted < BatchRows)
                {
                    // Some keys were stored already: merge the batch row by row. A key the batch has just
                    // inserted already holds these very values, so its UPDATE changes nothing.
                    var batchChanged = 0;
                    for (var r = start; r < end; r++)
                    {
                        var (key, s) = sorted[r];
                        WriteDay(s.FirstDay, first);
                        WriteDay(s.LastDay, last);
                        Bind(update, 0, key, s, imsi[..key.Imsi.WriteAscii(imsi)], first, last, msisdn[..s.Msisdn.WriteAscii(msisdn)], seen);
                        batchChanged += update.Execute();
                    }

                    changed += batchChanged;
                    unchanged += BatchRows - batchInserted - batchChanged;
                }
            }
            else
            {
                // Keys expected stored (or the last, short batch): the merge first, the insert only for a
                // key it did not change; inserted means new, not inserted means already as merged.
                for (var r = start; r < end; r++)
                {
                    var (key, s) = sorted[r];
                    WriteDay(s.FirstDay, first);
                    WriteDay(s.LastDay, last);
                    var imsiText = imsi[..key.Imsi.WriteAscii(imsi)];
                    var msisdnText = msisdn[..s.Msisdn.WriteAscii(msisdn)];
                    Bind(update, 0, key, s, imsiText, first, last, msisdnText, seen);
                    if (update.Execute() == 1)
                    {
                        changed++;
                        continue;
                    }

                    Bind(insert, 0, key, s, imsiText, first, last, msisdnText, seen);
                    if (insert.Execute() == 1)
                    {
                        batchInserted++;
                    }
                    else
                    {
                        unchanged++;
                    }
                }

                inserted += batchInserted;
            }

            expectNew = batchInserted * 2 >= end - start;
        }

        return new MergeCounts(inserted, changed, unchanged, 0, 0);
    }

    private const int PendingColumns = 5;

    private static readonly string AppendPendingBatch =
        "INSERT INTO sightings_pending (imei, imsi, operator_id, day, msisdn) VALUES " +
        string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?)", BatchRows));

    private const string AppendPending = "INSERT INTO sightings_pending (imei, imsi, operator_id, day, msisdn) VALUES ($imei, $imsi, $operator, $day, $msisdn)";

    /// <summary>Appends a deferred ingest's rows to sightings_pending (IMEI, IMSI, operator, day, number), in the order given: plain inserts, nothing read.</summary>
    public long Append(List<KeyValuePair<SightingKey, SightingAggregate>> rows, CancellationToken ct)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        using var batch = new RawStatement(db, AppendPendingBatch, BatchRows * PendingColumns);
        using var single = new RawStatement(db, AppendPending, "$imei", "$imsi", "$operator", "$day", "$msisdn");
        Span<byte> imsi = stackalloc byte[20];
        Span<byte> msisdn = stackalloc byte[20];
        Span<byte> day = stackalloc byte[10];
        var start = 0;
        for (; start + BatchRows <= rows.Count; start += BatchRows)
        {
            if ((start & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            for (var r = 0; r < BatchRows; r++)
            {
                BindPending(batch, r * PendingColumns, rows[start + r], imsi, msisdn, day);
            }

            batch.Execute();
        }

        for (; start < rows.Count; start++)
        {
            BindPending(single, 0, rows[start], imsi, msisdn, day);
            single.Execute();
        }

        return rows.Count;
    }

    private static void BindPending(RawStatement statement, int offset, KeyValuePair<SightingKey, SightingAggregate> row,
        Span<byte> imsi, Span<byte> msisdn, Span<byte> day)
    {
        var (key, s) = row;
        WriteDay(s.FirstDay, day);
        statement.Bind(offset, key.Imei);
        statement.Bind(offset + 1, imsi[..key.Imsi.WriteAscii(imsi)]);
        statement.Bind(offset + 2, key.OperatorId);
        statement.Bind(offset + 3, day);
        statement.BindOrNull(offset + 4, msisdn[..s.Msisdn.WriteAscii(msisdn)]);
    }

    private const int Columns = 9;

    /// <param name="seen">Scratch for the number's day: written here, bound only with a number.</param>
    private static void Bind(RawStatement statement, int offset, SightingKey key, SightingAggregate s,
        ReadOnlySpan<byte> imsi, ReadOnlySpan<byte> first, ReadOnlySpan<byte> last, ReadOnlySpan<byte> msisdn, Span<byte> seen)
    {
        statement.Bind(offset, key.Imei);
        statement.Bind(offset + 1, imsi);
        statement.Bind(offset + 2, key.OperatorId);
        statement.Bind(offset + 3, key.Month);
        statement.Bind(offset + 4, s.DayMask);
        statement.Bind(offset + 5, first);
        statement.Bind(offset + 6, last);
        statement.BindOrNull(offset + 7, msisdn);
        if (msisdn.IsEmpty)
        {
            statement.BindOrNull(offset + 8, []);
        }
        else
        {
            WriteDay(s.MsisdnDay, seen);
            statement.Bind(offset + 8, seen);
        }
    }

    private static MergeCounts MergeImeis(sqlite3 db, SightingBuffer buffer, DateTime changedAtUtc, CancellationToken ct)
    {
        using var insert = new RawStatement(db, InsertImei, "$imei", "$first", "$last", "$home");
        using var select = new RawStatement(db, SelectImei, "$imei");
        using var update = new RawStatement(db, UpdateImei, "$imei", "$first", "$last", "$home");
        using var updateDays = new RawStatement(db, UpdateImeiDays, "$imei", "$first", "$last", "$home");
        long inserted = 0, changed = 0;
        var n = 0;
        var windowStarts = new JsonIntegerList();
        Span<byte> first = stackalloc byte[10];
        Span<byte> last = stackalloc byte[10];
        Span<byte> home = stackalloc byte[10];
        var expectNew = true; // the kind of the IMEI before: a first load's are new, a next day's stored
        foreach (var (imei, i) in buffer.SortedImeis())
        {
            if ((++n & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            WriteDay(i.FirstDay, first);
            WriteDay(i.LastDay, last);
            var homeText = i.FirstHomeDay == SightingBuffer.NoDay ? Span<byte>.Empty : home;
            if (!homeText.IsEmpty)
            {
                WriteDay(i.FirstHomeDay, home);
            }

            var known = false;
            if (!expectNew)
            {
                updateDays.Bind(0, imei);
                updateDays.Bind(1, first);
                updateDays.Bind(2, last);
                updateDays.BindOrNull(3, homeText);
                if (updateDays.Execute() == 1)
                {
                    changed++;
                    continue;
                }

                select.Bind(0, imei);
                known = select.Query();
            }

            if (!known)
            {
                insert.Bind(0, imei);
                insert.Bind(1, first);
                insert.Bind(2, last);
                insert.BindOrNull(3, homeText);
                if (insert.Execute() == 1)
                {
                    inserted++;
                    expectNew = true;
                    if (!homeText.IsEmpty)
                    {
                        windowStarts.Add(imei);
                    }

                    continue;
                }

                select.Bind(0, imei);
                if (!select.Query())
                {
                    throw new InvalidOperationException($"seen_imeis row {imei} neither inserted nor found");
                }
            }

            expectNew = false;
            var storedFirst = ReadDay(select.Column(0));
            var storedLast = ReadDay(select.Column(1));
            var storedHome = select.IsNull(2) ? SightingBuffer.NoDay : ReadDay(select.Column(2));
            select.Reset();
            var homeMoves = i.FirstHomeDay != SightingBuffer.NoDay && (storedHome == SightingBuffer.NoDay || i.FirstHomeDay < storedHome);
            if (!homeMoves && i.FirstDay >= storedFirst && i.LastDay <= storedLast)
            {
                continue;
            }

            var mergedHome = homeMoves ? i.FirstHomeDay : storedHome;
            WriteDay(Math.Min(i.FirstDay, storedFirst), first);
            WriteDay(Math.Max(i.LastDay, storedLast), last);
            if (mergedHome != SightingBuffer.NoDay)
            {
                WriteDay(mergedHome, home);
            }

            update.Bind(0, imei);
            update.Bind(1, first);
            update.Bind(2, last);
            update.BindOrNull(3, mergedHome == SightingBuffer.NoDay ? Span<byte>.Empty : home);
            update.Execute();
            changed++;
            if (homeMoves)
            {
                windowStarts.Add(imei);
            }
        }

        if (windowStarts.Count > 0)
        {
            using var changes = new RawStatement(db, InsertChanges, "$at", "$imeis");
            changes.Bind(0, System.Text.Encoding.ASCII.GetBytes(
                changedAtUtc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture)));
            changes.Bind(1, windowStarts.Close());
            changes.Execute();
        }

        return new MergeCounts(0, 0, 0, inserted, changed, windowStarts.Count);
    }

    /// <summary>A JSON array of integers built as UTF-8 bytes, for json_each.</summary>
    private sealed class JsonIntegerList
    {
        private byte[] bytes = new byte[4096];
        private int length = 1;

        public JsonIntegerList() => bytes[0] = (byte)'[';

        public int Count { get; private set; }

        public void Add(long value)
        {
            if (bytes.Length - length < 22)
            {
                Array.Resize(ref bytes, bytes.Length * 2);
            }

            if (Count > 0)
            {
                bytes[length++] = (byte)',';
            }

            System.Buffers.Text.Utf8Formatter.TryFormat(value, bytes.AsSpan(length), out var written);
            length += written;
            Count++;
        }

        public ReadOnlySpan<byte> Close()
        {
            bytes[length] = (byte)']';
            return bytes.AsSpan(0, length + 1);
        }
    }

    /// <summary>yyyy-MM-dd, as EF Core stores a DateOnly on SQLite.</summary>
    private static void WriteDay(int dayNumber, Span<byte> target)
    {
        var date = DateOnly.FromDayNumber(dayNumber);
        Digits(date.Year, target[..4]);
        target[4] = (byte)'-';
        Digits(date.Month, target.Slice(5, 2));
        target[7] = (byte)'-';
        Digits(date.Day, target.Slice(8, 2));
    }

    /// <summary>The day number of a stored yyyy-MM-dd.</summary>
    private static int ReadDay(ReadOnlySpan<byte> text)
    {
        if (text.Length < 10)
        {
            throw new FormatException($"'{System.Text.Encoding.UTF8.GetString(text)}' is not a yyyy-MM-dd date");
        }

        return new DateOnly(Number(text[..4]), Number(text.Slice(5, 2)), Number(text.Slice(8, 2))).DayNumber;
    }

    private static int Number(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            value = (value * 10) + (d - '0');
        }

        return value;
    }

    private static void Digits(int value, Span<byte> target)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>A statement prepared once on the raw handle, its parameters bound by position: no boxing, no per-row strings.</summary>
    private sealed class RawStatement : IDisposable
    {
        private readonly sqlite3 db;
        private readonly sqlite3_stmt statement;
        private readonly int[] positions;

        /// <summary>A statement with <paramref name="parameterCount"/> positional parameters (<c>?</c>).</summary>
        public RawStatement(sqlite3 db, string sql, int parameterCount)
        {
            this.db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out statement));
            positions = Enumerable.Range(1, parameterCount).ToArray();
        }

        public RawStatement(sqlite3 db, string sql, params string[] names)
        {
            this.db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out statement));
            positions = names.Select(name => raw.sqlite3_bind_parameter_index(statement, name)).ToArray();
        }

        public void Bind(int parameter, long value) => Check(raw.sqlite3_bind_int64(statement, positions[parameter], value));

        public void Bind(int parameter, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(statement, positions[parameter], utf8));

        public void BindOrNull(int parameter, ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                Check(raw.sqlite3_bind_null(statement, positions[parameter]));
            }
            else
            {
                Bind(parameter, utf8);
            }
        }

        /// <summary>Runs the statement and returns how many rows it changed.</summary>
        public int Execute()
        {
            var rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return raw.sqlite3_changes(db);
        }

        /// <summary>Runs a query: true with its first row to read (then <see cref="Reset"/>), false (already reset) when it has none.</summary>
        public bool Query()
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return false;
        }

        public ReadOnlySpan<byte> Column(int column) => raw.sqlite3_column_blob(statement, column);

        public bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

        public void Reset() => raw.sqlite3_reset(statement);

        public void Dispose() => statement.Dispose();

        private void Check(int rc)
        {
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                throw new SqliteException($"SQLite error {rc} while merging sightings: {raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
            }
        }
    }
}
