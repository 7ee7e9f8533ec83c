using System.Data.Common;
using DeviceRegistry.Eir;

namespace DeviceRegistry.Registrations;

/// <summary>
/// What the registration tables say about IMEIs, for the attach decision: Registered when the live
/// registration is effective (paid or exempt), Stolen and BlockedNoRegistration while such a block is
/// unlifted. Plain SQL: this runs over every registered or blocked IMEI when the EIR index loads, and
/// for one IMEI when the status query asks.
/// </summary>
public sealed class RegistrationDeviceStatusSource : IDeviceStatusSource
{
    private static string StatusSql(string registeredFilter, string blockedFilter) => $"""
        SELECT imei, MAX(registered), MAX(stolen), MAX(unregistered) FROM (
            SELECT e."Value" AS imei, 1 AS registered, 0 AS stolen, 0 AS unregistered
            FROM ({EffectiveRegistrations.Sql}) e WHERE 1 = 1 {registeredFilter}
            UNION ALL
            SELECT b.imei,
                0,
                CASE WHEN b.reason = '{nameof(BlockReason.Stolen)}' THEN 1 ELSE 0 END,
                CASE WHEN b.reason = '{nameof(BlockReason.NoRegistration)}' THEN 1 ELSE 0 END
            FROM imei_blocks b WHERE b.lifted_at IS NULL {blockedFilter}
        ) s GROUP BY imei
        """;

    public Task ReadAllAsync(DbConnection connection, Action<long, DeviceStatusFlags> report, CancellationToken ct) =>
        ReadAsync(connection, StatusSql("", ""), report, ct);

    public async Task ReadAsync(DbConnection connection, IReadOnlyList<long> imeis, Action<long, DeviceStatusFlags> report, CancellationToken ct)
    {
        // The IMEIs are 64-bit integers we parsed ourselves, so an inline list is safe and avoids
        // provider-specific array parameters.
        for (var offset = 0; offset < imeis.Count; offset += 500)
        {
            var list = string.Join(',', imeis.Skip(offset).Take(500));
            var sql = StatusSql($"AND e.\"Value\" IN ({list})", $"AND b.imei IN ({list})");
            await ReadAsync(connection, sql, report, ct);
        }
    }

    private static async Task ReadAsync(DbConnection connection, string sql, Action<long, DeviceStatusFlags> report, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var flags = DeviceStatusFlags.None;
            if (IsSet(reader, 1))
            {
                flags |= DeviceStatusFlags.Registered;
            }

            if (IsSet(reader, 2))
            {
                flags |= DeviceStatusFlags.Stolen;
            }

            if (IsSet(reader, 3))
            {
                flags |= DeviceStatusFlags.BlockedNoRegistration;
            }

            report(reader.GetInt64(0), flags);
        }
    }

    private static bool IsSet(DbDataReader reader, int column) =>
        Convert.ToInt32(reader.GetValue(column), System.Globalization.CultureInfo.InvariantCulture) == 1;
}

/// <summary>
/// "Effectively registered", defined once: the IMEIs whose live registration is effective (paid, or exempt).
/// Read by the device-state reader above and, through EF Core's SQL queries, by the enforcement.
/// </summary>
public static class EffectiveRegistrations
{
    public const string Sql =
        "SELECT r.imei AS \"Value\" FROM registered_imeis r JOIN registrations g ON g.id = r.registration_id WHERE g.status = '"
        + nameof(RegistrationStatus.Effective) + "'";

    /// <summary>The same IMEIs as a composable query, e.g. <c>registered.Contains(b.Imei)</c>.</summary>
    public static IQueryable<long> Query(Data.RegistryDbContext db) =>
        Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.SqlQueryRaw<long>(db.Database, Sql);
}
