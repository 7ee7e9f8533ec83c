using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeviceRegistry.Data;

/// <summary>
/// Opens connections and contexts for the configured provider. Hot paths (bulk ingest, the EIR index
/// load) take raw connections from here; use cases take a <see cref="RegistryDbContext"/>.
/// </summary>
public sealed class RegistryDatabase
{
    public RegistryDatabase(DatabaseOptions options)
    {
        Provider = options.Provider;
        ConnectionString = Provider == DatabaseProvider.Sqlite
            ? PrepareSqlite(options.ConnectionString)
            : options.ConnectionString;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public bool IsSqlite => Provider == DatabaseProvider.Sqlite;

    public DbConnection CreateConnection() => Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteConnection(ConnectionString),
        DatabaseProvider.Postgres => new NpgsqlConnection(ConnectionString),
        _ => throw new InvalidOperationException($"Unknown provider {Provider}"),
    };

    // WAL lets readers (the web host) go on while the CLI writes; wait rather than fail on a busy writer.
    private const string SqliteConnectionPragmas = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(ct);
        if (IsSqlite)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = SqliteConnectionPragmas;
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return connection;
    }

    /// <summary>The synchronous <see cref="OpenConnectionAsync"/>, for the few callers whose interface is synchronous.</summary>
    public DbConnection OpenConnection()
    {
        var connection = CreateConnection();
        connection.Open();
        if (IsSqlite)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = SqliteConnectionPragmas;
            cmd.ExecuteNonQuery();
        }

        return connection;
    }

    public void Configure(DbContextOptionsBuilder builder)
    {
        if (IsSqlite)
        {
            builder.UseSqlite(ConnectionString, o => o.CommandTimeout(60));
        }
        else
        {
            builder.UseNpgsql(ConnectionString, o => o.CommandTimeout(600));
            builder.AddInterceptors(Sightings.SightingsPartitionsInterceptor.Instance);
        }
    }

    public RegistryDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<RegistryDbContext>();
        Configure(builder);
        return new RegistryDbContext(builder.Options);
    }

    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }
}
