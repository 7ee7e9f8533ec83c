using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DeviceRegistry.Sightings;

/// <summary>
/// SQLite merge path: statements prepared once on the connection's raw handle and reused for every
/// key, in the caller's transaction (ADO.NET's per-call binding by name and boxing cost more than
/// the B-tree work here).
/// An INSERT ... ON CONFLICT DO NOTHING tells a new row from an existing one (its change count);
/// only then an UPDATE applies the merge, and only when it changes something, so a re-ingest is
/// counted as unchanged and writes nothing.
/// </summary>
internal sealed class SqliteSightingsWriter(SqliteConnection connection)
{
    private const string InsertSighting =
        "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) " +
        "VALUES ($imei, $imsi, $operator, $month, $mask, $first, $last, $msisdn) " +
        "ON CONFLICT (imei, imsi, operator_id, month) DO NOTHING";

    // The SET expressions all read the old row, so msisdn compares against the old last_seen.
    private const string UpdateSighting =
        "UPDATE sightings SET day_mask = day_mask | $mask, first_seen = min(first_seen, $first), " +
        "msisdn = CASE WHEN $last > last_seen THEN $msisdn WHEN $last < last_seen THEN msisdn " +
        "WHEN $msisdn IS NULL THEN msisdn WHEN msisdn IS NULL THEN $msisdn " +
        "WHEN $msisdn > msisdn THEN $msisdn ELSE msisdn END, " +
        "last_seen = max(last_seen, $last) " +
        "WHERE imei = $imei AND imsi = $imsi AND operator_id = $operator AND month = $month " +
        "AND ((day_mask | $mask) <> day_mask OR $first < first_seen OR $last > last_seen " +
        "OR ($last = last_seen AND $msisdn IS NOT NULL AND (msisdn IS NULL OR $msisdn > msisdn)))";

    private const string InsertImei =
        "INSERT INTO seen_imeis (imei, first_seen, last_seen, first_home_seen) VALUES ($imei, $first, $last, $home) " +
        "ON CONFLICT (imei) DO NOTHING";

    // A chunk's home sighting that starts an existing IMEI's window earlier: its own statement, so its
    // change count says whether the window start moved (an imei_changes row is due).
    private const string UpdateImeiHome =
        "UPDATE seen_imeis SET first_seen = min(first_seen, $first), last_seen = max(last_seen, $last), first_home_seen = $home " +
        "WHERE imei = $imei AND (first_home_seen IS NULL OR $home < first_home_seen)";

    private const string UpdateImei =
        "UPDATE seen_imeis SET first_seen = min(first_seen, $first), last_seen = max(last_seen, $last) " +
        "WHERE imei = $imei AND ($first < first_seen OR $last > last_seen)";

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
    // count) per batch rather than per key; 8 parameters a row stays far below SQLite's limit.
    private const int BatchRows = 64;

    private static readonly string InsertSightingBatch =
        "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) VALUES " +
        string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?, ?, ?, ?)", BatchRows)) +
        " ON CONFLICT (imei, imsi, operator_id, month) DO NOTHING";

    private static MergeCounts MergeSightings(sqlite3 db, SightingBuffer buffer, CancellationToken ct)
    {
        using var insertBatch = new RawStatement(db, InsertSightingBatch, BatchRows * 8);
        using var insert = new RawStatement(db, InsertSighting, "$imei", "$imsi", "$operator", "$month", "$mask", "$first", "$last", "$msisdn");
        using var update = new RawStatement(db, UpdateSighting, "$imei", "$imsi", "$operator", "$month", "$mask", "$first", "$last", "$msisdn");
        long inserted = 0, changed = 0, unchanged = 0;
        Span<byte> imsi = stackalloc byte[20];
        Span<byte> msisdn = stackalloc byte[20];
        Span<byte> first = stackalloc byte[10];
        Span<byte> last = stackalloc byte[10];
        var sorted = buffer.SortedSightings();
        var whole = sorted.Count - (sorted.Count % BatchRows);
        for (var start = 0; start < whole; start += BatchRows)
        {
            if ((start & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            for (var r = 0; r < BatchRows; r++)
            {
                var (key, s) = sorted[start + r];
                var imsiText = imsi[..key.Imsi.WriteAscii(imsi)];
                var msisdnText = msisdn[..s.Msisdn.WriteAscii(msisdn)];
                WriteDay(s.FirstDay, first);
                WriteDay(s.LastDay, last);
                Bind(insertBatch, r * 8, key, s, imsiText, first, last, msisdnText); // bound values are copied by SQLite
            }

            var batchInserted = insertBatch.Execute();
            inserted += batchInserted;
            if (batchInserted == BatchRows)
            {
                continue;
            }

            // Some keys were stored already: merge the batch row by row. A key the batch has just
            // inserted already holds these very values, so its UPDATE changes nothing.
            var batchChanged = 0;
            for (var r = 0; r < BatchRows; r++)
            {
                var (key, s) = sorted[start + r];
                var imsiText = imsi[..key.Imsi.WriteAscii(imsi)];
                var msisdnText = msisdn[..s.Msisdn.WriteAscii(msisdn)];
                WriteDay(s.FirstDay, first);
                WriteDay(s.LastDay, last);
                Bind(update, 0, key, s, imsiText, first, last, msisdnText);
                batchChanged += update.Execute();
            }

            changed += batchChanged;
            unchanged += BatchRows - batchInserted - batchChanged;
        }

        for (var k = whole; k < sorted.Count; k++)
        {
            var (key, s) = sorted[k];
            var imsiText = imsi[..key.Imsi.WriteAscii(imsi)];
            var msisdnText = msisdn[..s.Msisdn.WriteAscii(msisdn)];
            WriteDay(s.FirstDay, first);
            WriteDay(s.LastDay, last);
            Bind(insert, 0, key, s, imsiText, first, last, msisdnText);
            if (insert.Execute() == 1)
            {
                inserted++;
                continue;
            }

            Bind(update, 0, key, s, imsiText, first, last, msisdnText);
            if (update.Execute() == 1)
            {
                changed++;
            }
            else
            {
                unchanged++;
            }
        }

        return new MergeCounts(inserted, changed, unchanged, 0, 0);
    }

    private static void Bind(RawStatement statement, int offset, SightingKey key, SightingAggregate s,
        ReadOnlySpan<byte> imsi, ReadOnlySpan<byte> first, ReadOnlySpan<byte> last, ReadOnlySpan<byte> msisdn)
    {
        statement.Bind(offset, key.Imei);
        statement.Bind(offset + 1, imsi);
        statement.Bind(offset + 2, key.OperatorId);
        statement.Bind(offset + 3, key.Month);
        statement.Bind(offset + 4, s.DayMask);
        statement.Bind(offset + 5, first);
        statement.Bind(offset + 6, last);
        statement.BindOrNull(offset + 7, msisdn);
    }

    private static MergeCounts MergeImeis(sqlite3 db, SightingBuffer buffer, DateTime changedAtUtc, CancellationToken ct)
    {
        using var insert = new RawStatement(db, InsertImei, "$imei", "$first", "$last", "$home");
        using var updateHome = new RawStatement(db, UpdateImeiHome, "$imei", "$first", "$last", "$home");
        using var update = new RawStatement(db, UpdateImei, "$imei", "$first", "$last");
        long inserted = 0, changed = 0;
        var n = 0;
        var windowStarts = new JsonIntegerList();
        Span<byte> first = stackalloc byte[10];
        Span<byte> last = stackalloc byte[10];
        Span<byte> home = stackalloc byte[10];
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

            insert.Bind(0, imei);
            insert.Bind(1, first);
            insert.Bind(2, last);
            insert.BindOrNull(3, homeText);
            if (insert.Execute() == 1)
            {
                inserted++;
                if (!homeText.IsEmpty)
                {
                    windowStarts.Add(imei);
                }

                continue;
            }

            if (!homeText.IsEmpty)
            {
                updateHome.Bind(0, imei);
                updateHome.Bind(1, first);
                updateHome.Bind(2, last);
                updateHome.Bind(3, homeText);
                if (updateHome.Execute() == 1)
                {
                    changed++;
                    windowStarts.Add(imei);
                    continue;
                }
            }

            update.Bind(0, imei);
            update.Bind(1, first);
            update.Bind(2, last);
            if (update.Execute() == 1)
            {
                changed++;
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
