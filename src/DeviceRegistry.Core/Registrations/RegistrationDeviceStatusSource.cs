using System.Data.Common;
using DeviceRegistry.Eir;

namespace DeviceRegistry.Registrations;

/// <summary>
/// Feeds the EIR decision index from the registration tables: an IMEI is Registered when its live
/// registration is effective (paid or exempt), Blocked while it has an unlifted block (stolen or no
/// registration). Plain SQL: this runs over every registered IMEI at start.
/// </summary>
public sealed class RegistrationDeviceStatusSource : IDeviceStatusSource
{
    private static string StatusSql(string registeredFilter, string blockedFilter) => $"""
        SELECT imei, MAX(registered), MAX(blocked) FROM (
            SELECT r.imei AS imei, 1 AS registered, 0 AS blocked
            FROM registered_imeis r JOIN registrations g ON g.id = r.registration_id
            WHERE g.status = 'Effective' {registeredFilter}
            UNION ALL
            SELECT b.imei, 0, 1 FROM imei_blocks b WHERE b.lifted_at IS NULL {blockedFilter}
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
            var sql = StatusSql($"AND r.imei IN ({list})", $"AND b.imei IN ({list})");
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
            if (Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                flags |= DeviceStatusFlags.Registered;
            }

            if (Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                flags |= DeviceStatusFlags.Blocked;
            }

            report(reader.GetInt64(0), flags);
        }
    }
}
