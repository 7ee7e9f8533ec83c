using System.Data.Common;
using System.Globalization;
using DeviceRegistry.Data;

namespace DeviceRegistry.Eir;

/// <summary>Small helpers for raw ADO.NET on both providers (SQLite keeps dates as TEXT, PostgreSQL as date).</summary>
internal static class DbValues
{
    public static DateOnly ReadDate(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        string s => DateOnly.Parse(s.AsSpan(0, Math.Min(10, s.Length)), CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"Unexpected date value {other} ({other.GetType().Name})"),
    };

    public static DateOnly? ReadNullableDate(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadDate(reader, ordinal);

    public static object DateParameter(RegistryDatabase database, DateOnly date) =>
        database.IsSqlite ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date;

    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }

    /// <summary>
    /// "column IN (the given keys)" as one parameter: a JSON array through json_each on SQLite,
    /// a bigint array with = ANY on PostgreSQL.
    /// </summary>
    public static string InKeys(RegistryDatabase database, DbCommand command, string column, IReadOnlyList<long> keys, string parameter = "@keys")
    {
        if (database.IsSqlite)
        {
            AddParameter(command, parameter, JsonArray(keys));
            return $"{column} IN (SELECT value FROM json_each({parameter}))";
        }

        AddParameter(command, parameter, keys as long[] ?? keys.ToArray());
        return $"{column} = ANY({parameter})";
    }

    /// <summary>The keys as a JSON array of numbers, for SQLite's json_each.</summary>
    public static string JsonArray(IEnumerable<long> keys) =>
        "[" + string.Join(',', keys.Select(k => k.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>The pairs as a JSON array of two-element arrays (["text", number]), for SQLite's json_each.</summary>
    public static string JsonPairs(IEnumerable<(string Text, long Number)> pairs) =>
        System.Text.Json.JsonSerializer.Serialize(pairs.Select(p => new object[] { p.Text, p.Number }));
}
