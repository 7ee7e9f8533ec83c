using System.Data.Common;
using Npgsql;

namespace DeviceRegistry.Sightings;

/// <summary>
/// PostgreSQL's sightings are partitioned by month (database/postgres/0011, docs/adr/0014-sightings-month-partitions.md):
/// a row can only be written once its month's partition exists. Every writer of sightings on PostgreSQL calls
/// <see cref="EnsureAsync"/> for the months it writes, in its own transaction; SQLite has one table and nothing to do.
/// </summary>
public static class SightingsPartitions
{
    /// <summary>The partition of one month, as the schema names it.</summary>
    public static string TableOf(int month) => "sightings_" + month.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Creates the partitions of <paramref name="months"/> that are missing (no-op on SQLite).</summary>
    public static async Task EnsureAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<int> months, CancellationToken ct)
    {
        if (connection is not NpgsqlConnection npgsql)
        {
            return;
        }

        foreach (var month in months.Distinct().Order())
        {
            await using var cmd = new NpgsqlCommand("SELECT devreg_sightings_month(@m)", npgsql, (NpgsqlTransaction?)transaction);
            cmd.Parameters.AddWithValue("m", month);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The months that have a partition (PostgreSQL), oldest first.</summary>
    public static async Task<List<int>> ListAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT substring(c.relname FROM 11)::integer FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = 'sightings'::regclass AND c.relname ~ '^sightings_[0-9]{6}$' ORDER BY 1", connection);
        var months = new List<int>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            months.Add(reader.GetInt32(0));
        }

        return months;
    }
}

/// <summary>
/// Sightings added through EF Core (the demo's appeals, test data) get their month's partition before they are
/// saved, as the bulk writer's rows do (<see cref="SightingsPartitions"/>). Registered for PostgreSQL only.
/// </summary>
internal sealed class SightingsPartitionsInterceptor : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
{
    public static SightingsPartitionsInterceptor Instance { get; } = new();

    public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
        Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            var months = context.ChangeTracker.Entries<Data.Sighting>()
                .Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added).Select(e => e.Entity.Month).ToHashSet();
            if (months.Count > 0)
            {
                var database = context.Database;
                await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.OpenConnectionAsync(database, cancellationToken);
                try
                {
                    await SightingsPartitions.EnsureAsync(
                        Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(database),
                        database.CurrentTransaction is { } current ? Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(current) : null,
                        months, cancellationToken);
                }
                finally
                {
                    await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.CloseConnectionAsync(database);
                }
            }
        }

        return result;
    }

    public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> SavingChanges(
        Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();
}
