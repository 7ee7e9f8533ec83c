using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Sightings;

/// <summary>
/// SQLite merge path: prepared statements reused for every key, in the caller's transaction.
/// An INSERT ... ON CONFLICT DO NOTHING tells a new row from an existing one (its change count);
/// only then an UPDATE applies the merge, and only when it changes something, so a re-ingest is
/// counted as unchanged and writes nothing.
/// </summary>
internal sealed class SqliteSightingsWriter(SqliteConnection connection, SqliteTransaction transaction)
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

    private const string UpdateImei =
        "UPDATE seen_imeis SET first_seen = min(first_seen, $first), last_seen = max(last_seen, $last), " +
        "first_home_seen = coalesce(min(first_home_seen, $home), first_home_seen, $home) " +
        "WHERE imei = $imei AND ($first < first_seen OR $last > last_seen " +
        "OR ($home IS NOT NULL AND (first_home_seen IS NULL OR $home < first_home_seen)))";

    private readonly Dictionary<int, string> dayTexts = [];

    public Task<MergeCounts> MergeAsync(SightingBuffer buffer, CancellationToken ct)
    {
        // Microsoft.Data.Sqlite runs synchronously anyway; the sync calls avoid a Task per row.
        var counts = MergeSightings(buffer, ct);
        counts += MergeImeis(buffer, ct);
        return Task.FromResult(counts);
    }

    private MergeCounts MergeSightings(SightingBuffer buffer, CancellationToken ct)
    {
        using var insert = Prepare(InsertSighting, "$imei", "$imsi", "$operator", "$month", "$mask", "$first", "$last", "$msisdn");
        using var update = Prepare(UpdateSighting, "$imei", "$imsi", "$operator", "$month", "$mask", "$first", "$last", "$msisdn");
        var ip = insert.Parameters;
        var up = update.Parameters;
        long inserted = 0, changed = 0, unchanged = 0;
        var sorted = buffer.SortedSightings([]);
        var n = 0;
        foreach (var (key, s) in sorted)
        {
            if ((++n & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            object imei = key.Imei, imsi = key.Imsi.ToString(), op = key.OperatorId, month = key.Month, mask = s.DayMask;
            object first = DayText(s.FirstDay), last = DayText(s.LastDay);
            object msisdn = s.Msisdn.IsEmpty ? DBNull.Value : s.Msisdn.ToString();
            ip[0].Value = imei;
            ip[1].Value = imsi;
            ip[2].Value = op;
            ip[3].Value = month;
            ip[4].Value = mask;
            ip[5].Value = first;
            ip[6].Value = last;
            ip[7].Value = msisdn;
            if (insert.ExecuteNonQuery() == 1)
            {
                inserted++;
                continue;
            }

            up[0].Value = imei;
            up[1].Value = imsi;
            up[2].Value = op;
            up[3].Value = month;
            up[4].Value = mask;
            up[5].Value = first;
            up[6].Value = last;
            up[7].Value = msisdn;
            if (update.ExecuteNonQuery() == 1)
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

    private MergeCounts MergeImeis(SightingBuffer buffer, CancellationToken ct)
    {
        using var insert = Prepare(InsertImei, "$imei", "$first", "$last", "$home");
        using var update = Prepare(UpdateImei, "$imei", "$first", "$last", "$home");
        var ip = insert.Parameters;
        var up = update.Parameters;
        long inserted = 0, changed = 0;
        var n = 0;
        foreach (var (imei, i) in buffer.SortedImeis([]))
        {
            if ((++n & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            object key = imei, first = DayText(i.FirstDay), last = DayText(i.LastDay);
            object home = i.FirstHomeDay == SightingBuffer.NoDay ? DBNull.Value : DayText(i.FirstHomeDay);
            ip[0].Value = key;
            ip[1].Value = first;
            ip[2].Value = last;
            ip[3].Value = home;
            if (insert.ExecuteNonQuery() == 1)
            {
                inserted++;
                continue;
            }

            up[0].Value = key;
            up[1].Value = first;
            up[2].Value = last;
            up[3].Value = home;
            if (update.ExecuteNonQuery() == 1)
            {
                changed++;
            }
        }

        return new MergeCounts(0, 0, 0, inserted, changed);
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return cmd;
    }

    // EF Core stores DateOnly as yyyy-MM-dd text on SQLite; a file has few distinct days.
    private string DayText(int dayNumber)
    {
        if (!dayTexts.TryGetValue(dayNumber, out var text))
        {
            text = DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            dayTexts[dayNumber] = text;
        }

        return text;
    }
}
