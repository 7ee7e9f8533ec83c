using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DeviceRegistry.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use: the one named by DEVREG_TEST_POSTGRES (an admin connection
/// string; .ci/run starts one), otherwise a throwaway cluster started here with initdb in a
/// temporary folder on a loopback port and stopped when the test process exits. Never skipped:
/// if no server can be had, the tests that need one fail with the reason.
/// </summary>
public static class PostgresCluster
{
    private static readonly Lazy<string> AdminConnection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? dataDirectory;
    private static string? pgCtl;

    public static string AdminConnectionString => AdminConnection.Value;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var name = "devreg_test_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
        cmd.ExecuteNonQuery();
    }

    private static string Start()
    {
        var given = Environment.GetEnvironmentVariable("DEVREG_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var bin = FindPostgresBin()
            ?? throw new InvalidOperationException(
                "PostgreSQL tests need a server: set DEVREG_TEST_POSTGRES or install postgresql-15 (initdb not found under /usr/lib/postgresql).");
        pgCtl = Path.Combine(bin, "pg_ctl");
        var root = Directory.CreateTempSubdirectory("devreg-pg-").FullName;
        dataDirectory = Path.Combine(root, "data");
        var isRoot = Environment.UserName == "root";
        if (isRoot)
        {
            Run("chown", $"postgres {root}", asPostgres: false);
        }

        var port = FreePort();
        Run(Path.Combine(bin, "initdb"), $"-D {dataDirectory} -U postgres -A trust -E UTF8 --no-sync", isRoot);
        Run(pgCtl, $"-D {dataDirectory} -l {Path.Combine(root, "server.log")} -w -t 60 -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start", isRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(isRoot);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    private static void Stop(bool isRoot)
    {
        try
        {
            Run(pgCtl!, $"-D {dataDirectory} -m immediate -w stop", isRoot);
            Directory.Delete(Path.GetDirectoryName(dataDirectory)!, recursive: true);
        }
        catch (InvalidOperationException)
        {
            // the process is ending; a leftover temporary folder is harmless
        }
        catch (IOException)
        {
        }
    }

    internal static string? FindPostgresBin()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static void Run(string program, string arguments, bool asPostgres)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {program} {arguments}")
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {arguments} did not finish in 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        }
    }
}
