using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the registry keeps its data: <c>Database:Provider</c> and <c>ConnectionStrings:Registry</c>.</summary>
public sealed class DatabaseOptions : ISettingsSection
{
    public const string Section = "Database";
    public const string ConnectionStringKey = "ConnectionStrings:Registry";
    public const string DefaultSqliteConnectionString = "Data Source=data/registry.db";
    public const string ReadReplicaConnectionStringKey = "ConnectionStrings:RegistryReadReplica";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>From <c>ConnectionStrings:Registry</c>; for SQLite the file data/registry.db when unset.</summary>
    public string ConnectionString { get; private set; } = DefaultSqliteConnectionString;

    /// <summary>
    /// From <c>ConnectionStrings:RegistryReadReplica</c> (PostgreSQL only): a streaming replica (hot standby) the EIR's
    /// decision index loads and follows the change log from, while every write goes to the primary; null when unset.
    /// </summary>
    public string? ReadReplicaConnectionString { get; private set; }

    /// <summary>Reads the keys, needed while services are registered (the DbContext, Quartz's job store).</summary>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var options = Settings.Read<DatabaseOptions>(configuration, Section);
        var connectionString = configuration[ConnectionStringKey];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            options.ConnectionString = connectionString;
        }
        else if (options.Provider == DatabaseProvider.Postgres)
        {
            throw new SettingsException([$"{Section}:Provider is Postgres but {ConnectionStringKey} is not set"]);
        }

        var replica = configuration[ReadReplicaConnectionStringKey];
        if (!string.IsNullOrWhiteSpace(replica))
        {
            if (options.Provider != DatabaseProvider.Postgres)
            {
                throw new SettingsException([$"{ReadReplicaConnectionStringKey} is set, but a read replica needs {Section}:Provider Postgres (it is {options.Provider})"]);
            }

            options.ReadReplicaConnectionString = replica;
        }

        return options;
    }

    /// <summary>The read replica as a database of its own, or null when none is set.</summary>
    public DatabaseOptions? ReadReplica() =>
        ReadReplicaConnectionString is { } replica ? For(Provider, replica) : null;

    public static DatabaseOptions For(DatabaseProvider provider, string connectionString) =>
        new() { Provider = provider, ConnectionString = connectionString };

    public IEnumerable<string> Validate(string section) => [];
}
