using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The PostgreSQL server a benchmark uses: DEVREG_BENCH_POSTGRES (an admin connection string), or a
/// throwaway cluster (initdb in a temporary folder, a loopback port) started here and stopped on Dispose,
/// configured as the test cluster is (fsync off).
/// </summary>
internal sealed class BenchPostgres : IDisposable
{
    private readonly string? root;
    private readonly string? pgCtl;
    private readonly bool asPostgres;

    private BenchPostgres(string adminConnectionString, string? root, string? pgCtl, bool asPostgres)
    {
        AdminConnectionString = adminConnectionString;
        this.root = root;
        this.pgCtl = pgCtl;
        this.asPostgres = asPostgres;
    }

    public string AdminConnectionString { get; }

    /// <summary>Starts the throwaway cluster, with <paramref name="serverSettings"/> (name=value) added to its configuration.</summary>
    public static BenchPostgres Start(params string[] serverSettings)
    {
        var given = Environment.GetEnvironmentVariable("DEVREG_BENCH_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new BenchPostgres(given, null, null, false);
        }

        var bin = Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault() ?? throw new InvalidOperationException("initdb not found under /usr/lib/postgresql; set DEVREG_BENCH_POSTGRES");
        var root = Directory.CreateTempSubdirectory("devreg-bench-pg-").FullName;
        var isRoot = Environment.UserName == "root";
        if (isRoot)
        {
            Run("chown", $"postgres {root}", false);
        }

        var data = Path.Combine(root, "data");
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var pgCtl = Path.Combine(bin, "pg_ctl");
        Run(Path.Combine(bin, "initdb"), $"-D {data} -U postgres -A trust -E UTF8 --no-sync", isRoot);
        Run(pgCtl, $"-D {data} -l {Path.Combine(root, "server.log")} -w -t 60 -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off{string.Concat(serverSettings.Select(setting => $" -c {setting}"))}\" start", isRoot);
        return new BenchPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", root, pgCtl, isRoot);
    }

    /// <summary>
    /// CPU time spent by the throwaway cluster so far: the postmaster with its reaped children (ended
    /// backends) plus its living children. Null for a server named by DEVREG_BENCH_POSTGRES.
    /// </summary>
    public TimeSpan? ServerCpu()
    {
        if (root is null)
        {
            return null;
        }

        var postmaster = int.Parse(File.ReadLines(Path.Combine(root, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int n) => long.Parse(f[n - 3], System.Globalization.CultureInfo.InvariantCulture);
            if (pid == postmaster)
            {
                ticks += Field(14) + Field(15) + Field(16) + Field(17);
            }
            else if (Field(4) == postmaster)
            {
                ticks += Field(14) + Field(15);
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name}";
        cmd.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The libpq form psql takes.</summary>
    public static string Libpq(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"host={b.Host} port={b.Port} user={b.Username} dbname={b.Database}" + (string.IsNullOrEmpty(b.Password) ? "" : $" password={b.Password}");
    }

    public void Dispose()
    {
        if (root is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Run(pgCtl!, $"-D {Path.Combine(root, "data")} -m fast -w stop", asPostgres);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public static (int ExitCode, string Output) Run(string program, string arguments, bool asPostgres, string? stdin = null)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {program} {arguments}")
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = stdin is not null;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(900_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {arguments} did not finish in 15 minutes");
        }

        var output = stdout.Result + stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {output}");
        }

        return (process.ExitCode, output);
    }
}
