using System.Data.Common;
using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Tests.Demo;

/// <summary>
/// Test-only stand-in for `devreg ingest`: reads an attach-log CSV as `devreg demo` writes it, groups
/// the rows by IMEI, IMSI, operator and month (OR-ing the day bits) and inserts the sightings with
/// plain statements. To be replaced by the real ingest once it is merged.
/// </summary>
public static class AttachLogTestLoader
{
    public sealed record SightingRow(long Imei, string Imsi, string Operator, int Month, int DayMask, DateOnly FirstSeen, DateOnly LastSeen, string Msisdn);

    public static List<SightingRow> Aggregate(string attachLogPath)
    {
        var groups = new Dictionary<(long, string, string, int), SightingRow>();
        using var reader = new StreamReader(attachLogPath);
        var header = reader.ReadLine()!.Split(',');
        int Col(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        int ts = Col("timestamp"), imeiCol = Col("imei"), imsiCol = Col("imsi"), msisdnCol = Col("msisdn"), opCol = Col("operator");
        string? line;
        var lineNumber = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var f = line.Split(',');
            var date = DateOnly.ParseExact(f[ts][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (!Imei.TryParseFromNetwork(f[imeiCol], out var imei, out var problem))
            {
                throw new InvalidDataException($"line {lineNumber}: {Imei.Describe(problem)}");
            }

            var key = (imei.Key, f[imsiCol], f[opCol], date.Year * 100 + date.Month);
            var bit = 1 << (date.Day - 1);
            groups[key] = groups.TryGetValue(key, out var s)
                ? s with
                {
                    DayMask = s.DayMask | bit,
                    FirstSeen = date < s.FirstSeen ? date : s.FirstSeen,
                    LastSeen = date > s.LastSeen ? date : s.LastSeen,
                    Msisdn = date >= s.LastSeen ? f[msisdnCol] : s.Msisdn,
                }
                : new SightingRow(imei.Key, f[imsiCol], f[opCol], key.Item4, bit, date, date, f[msisdnCol]);
        }

        return [.. groups.Values];
    }

    public static async Task LoadAsync(RegistryDatabase database, IReadOnlyList<SightingRow> rows)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var operators = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in rows.Select(r => r.Operator).Distinct().Order(StringComparer.Ordinal))
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = "INSERT INTO operators (name, created_at) VALUES (@name, @now) RETURNING id";
            Add(cmd, "@name", name);
            Add(cmd, "@now", DateTime.UtcNow);
            operators[name] = Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) "
            + "VALUES (@imei, @imsi, @op, @month, @mask, @first, @last, @msisdn)";
        var pImei = Add(insert, "@imei", 0L);
        var pImsi = Add(insert, "@imsi", "");
        var pOp = Add(insert, "@op", 0);
        var pMonth = Add(insert, "@month", 0);
        var pMask = Add(insert, "@mask", 0);
        var pFirst = Add(insert, "@first", DateOnly.MinValue);
        var pLast = Add(insert, "@last", DateOnly.MinValue);
        var pMsisdn = Add(insert, "@msisdn", "");
        await insert.PrepareAsync();
        foreach (var r in rows)
        {
            pImei.Value = r.Imei;
            pImsi.Value = r.Imsi;
            pOp.Value = operators[r.Operator];
            pMonth.Value = r.Month;
            pMask.Value = r.DayMask;
            pFirst.Value = r.FirstSeen;
            pLast.Value = r.LastSeen;
            pMsisdn.Value = r.Msisdn;
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static DbParameter Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
        return p;
    }
}
