using Npgsql;

namespace DeviceRegistry.Tests.Infrastructure;

/// <summary>
/// A hot standby of the tests' PostgreSQL server: <c>pg_basebackup</c> of the primary into a temporary folder, started
/// on its own loopback port, streaming from the primary. Disposing stops it and deletes its folder.
/// </summary>
public sealed class PostgresStandby : IDisposable
{
    private readonly string root;
    private readonly string pgCtl;
    private readonly bool isRoot = Environment.UserName == "root";

    private PostgresStandby(string root, string pgCtl, int port)
    {
        this.root = root;
        this.pgCtl = pgCtl;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The connection string of <paramref name="primaryDatabase"/>'s copy on this standby.</summary>
    public string ConnectionStringFor(string primaryDatabase) =>
        new NpgsqlConnectionStringBuilder(primaryDatabase) { Port = Port }.ConnectionString;

    public static PostgresStandby Start()
    {
        var primary = new NpgsqlConnectionStringBuilder(PostgresCluster.AdminConnectionString);
        var bin = PostgresCluster.FindPostgresBin() ?? throw new InvalidOperationException("PostgreSQL server programs not found under /usr/lib/postgresql");
        var root = Directory.CreateTempSubdirectory("devreg-standby-").FullName;
        var isRoot = Environment.UserName == "root";
        if (isRoot)
        {
            PostgresCluster.Run("chown", $"postgres {root}", asPostgres: false);
        }

        var data = Path.Combine(root, "data");
        var port = PostgresCluster.FreePort();
        // -R writes the standby's primary_conninfo and standby.signal; -X stream copies the WAL the backup needs.
        PostgresCluster.Run(Path.Combine(bin, "pg_basebackup"),
            $"-h {primary.Host} -p {primary.Port} -U {primary.Username} -D {data} -R -X stream --no-sync --checkpoint=fast", isRoot);
        var standby = new PostgresStandby(root, Path.Combine(bin, "pg_ctl"), port);
        try
        {
            // A hot standby refuses to start with fewer connections than its primary allows.
            PostgresCluster.Run(standby.pgCtl,
                $"-D {data} -l {Path.Combine(root, "server.log")} -w -t 60 -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off -c max_connections={PrimarySetting("max_connections")}\" start", isRoot);
        }
        catch (InvalidOperationException ex)
        {
            var log = File.Exists(Path.Combine(root, "server.log")) ? File.ReadAllText(Path.Combine(root, "server.log")) : "";
            Directory.Delete(root, recursive: true);
            throw new InvalidOperationException(ex.Message + "\n" + log, ex);
        }

        return standby;
    }

    private static string PrimarySetting(string name)
    {
        using var connection = new NpgsqlConnection(PostgresCluster.AdminConnectionString);
        connection.Open();
        using var show = new NpgsqlCommand($"SHOW {name}", connection);
        return (string)show.ExecuteScalar()!;
    }

    public void Dispose()
    {
        try
        {
            PostgresCluster.Run(pgCtl, $"-D {Path.Combine(root, "data")} -m immediate -w stop", isRoot);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
