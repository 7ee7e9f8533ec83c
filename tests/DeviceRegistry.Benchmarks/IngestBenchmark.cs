using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Cli;
using DeviceRegistry.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// devreg ingest against the raw bulk tools on the same file: sqlite3 <c>.import</c> and psql
/// <c>\copy</c> into a bare table. Usage: <c>ingest [--rows N] [--shape week|day|next-day|both] [--provider sqlite|postgres|both] [--set Key=Value ...] [--pg-setting name=value ...] [--pending-days N]</c>.
/// "next-day" loads a "day" file first, untimed, into both stores (devreg's and the bare table), then
/// times the next day's file (<see cref="AttachLogGenerator.WriteNextDay"/>) onto them.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    private const string BareTable = "CREATE TABLE attach (date text, imei text, imsi text, msisdn text, operator text)";

    public string Name => "ingest";

    public string Description => "devreg ingest vs sqlite3 .import and psql \\copy on the same >= 2M-row attach log";

    public async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(Option(args, "--rows") ?? "2000000", CultureInfo.InvariantCulture);
        var shapes = (Option(args, "--shape") ?? "both") switch
        {
            "both" => new[] { "week", "day", "next-day" },
            var s => [s],
        };
        var providers = Option(args, "--provider") ?? "both";
        // --pending-days N (next-day, with Sightings:DeferMerge): N days ingested before one roll-up folds them all.
        var pendingDays = int.Parse(Option(args, "--pending-days") ?? "1", CultureInfo.InvariantCulture);
        // --set Key=Value (repeatable): configuration for devreg ingest, e.g. --set Ingest:BufferSize=1000000
        var extra = args.Select((a, i) => (a, i)).Where(p => p.a == "--set" && p.i + 1 < args.Length)
            .Select(p => args[p.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
        var folder = Directory.CreateTempSubdirectory("devreg-bench-ingest-").FullName;
        var results = new List<string>();
        BenchPostgres? postgres = null;
        try
        {
            if (providers is "both" or "postgres")
            {
                // --pg-setting name=value (repeatable): server configuration of the throwaway cluster, e.g. shared_buffers=2GB
                postgres = BenchPostgres.Start([.. args.Select((a, i) => (a, i)).Where(p => p.a == "--pg-setting" && p.i + 1 < args.Length).Select(p => args[p.i + 1])]);
                BenchPostgres.Run("chmod", $"755 {folder}", false);
            }

            foreach (var shape in shapes)
            {
                var file = Path.Combine(folder, $"attach-{shape}.csv");
                string? previous = null;
                var laterDays = new List<string>();
                var generate = Stopwatch.StartNew();
                if (shape == "next-day")
                {
                    previous = Path.Combine(folder, "attach-previous-day.csv");
                    AttachLogGenerator.Write(previous, "day", rows, seed: 2026);
                    AttachLogGenerator.WriteNextDay(file, rows);
                    BenchPostgres.Run("chmod", $"644 {previous}", false);
                    for (var later = 1; later < pendingDays; later++)
                    {
                        laterDays.Add(Path.Combine(folder, $"attach-later-day-{later}.csv"));
                        AttachLogGenerator.WriteNextDay(laterDays[^1], rows, later);
                    }
                }
                else
                {
                    AttachLogGenerator.Write(file, shape, rows, seed: 2026);
                }

                BenchPostgres.Run("chmod", $"644 {file}", false);
                Console.Error.WriteLine($"generated {rows:N0} rows ({new FileInfo(file).Length / 1e6:0} MB, shape {shape}) in {generate.Elapsed.TotalSeconds:0.0} s");

                if (providers is "both" or "sqlite")
                {
                    var raw = TimeSqliteImport(folder, file, rows, previous);
                    var ours = await TimeOursAsync(With(SqliteSettings(Path.Combine(folder, $"ours-{shape}.db")), extra), DatabaseProvider.Sqlite, file, previous, laterDays, null);
                    results.Add(Row("SQLite", shape, rows, "sqlite3 .import", raw, ours));
                }

                if (postgres is not null)
                {
                    var raw = TimePsqlCopy(postgres, file, rows, previous, shape);
                    var cs = postgres.CreateDatabase($"bench_ours_{shape.Replace('-', '_')}");
                    var ours = await TimeOursAsync(With(PostgresSettings(cs), extra), DatabaseProvider.Postgres, file, previous, laterDays, postgres);
                    results.Add(Row("PostgreSQL 15", shape, rows, "psql \\copy", raw, ours));
                }

                File.Delete(file);
                if (previous is not null)
                {
                    File.Delete(previous);
                }
            }
        }
        finally
        {
            postgres?.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine("| provider | file shape | rows | raw tool | raw s | raw CPU s | raw rows/s | devreg ingest s | devreg CPU s | devreg rows/s | ours/raw (elapsed) | ours/raw (CPU) |");
        Console.WriteLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var line in results)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static string Row(string provider, string shape, int rows, string tool, Timing raw, OurTiming timed) =>
        Row(provider, shape, rows, tool, raw, timed.Ingest) + (timed.RollUp is { } r
            ? Environment.NewLine + Row(provider, shape + (timed.Days == 1 ? " roll-up" : $" roll-up of {timed.Days} days, per day"), rows, tool, raw, r / timed.Days) +
              Environment.NewLine + Row(provider, shape + " ingest + roll-up" + (timed.Days == 1 ? "" : ", per day"), rows, tool, raw, timed.Ingest + (r / timed.Days))
            : "");

    private static string Row(string provider, string shape, int rows, string tool, Timing raw, Timing ours) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {provider} | {shape} | {rows:N0} | {tool} | {raw.Wall.TotalSeconds:0.00} | {raw.Cpu.TotalSeconds:0.00} | {rows / raw.Wall.TotalSeconds:N0} | " +
            $"{ours.Wall.TotalSeconds:0.00} | {ours.Cpu.TotalSeconds:0.00} | {rows / ours.Wall.TotalSeconds:N0} | " +
            $"**{raw.Wall.TotalSeconds / ours.Wall.TotalSeconds:0.00}x** | {raw.Cpu.TotalSeconds / ours.Cpu.TotalSeconds:0.00}x |");

    /// <summary>Elapsed time and CPU time (the machine is shared, so CPU time is the steadier measure).</summary>
    private readonly record struct Timing(TimeSpan Wall, TimeSpan Cpu)
    {
        public static Timing operator +(Timing a, Timing b) => new(a.Wall + b.Wall, a.Cpu + b.Cpu);

        public static Timing operator /(Timing a, int n) => new(a.Wall / n, a.Cpu / n);
    }

    /// <summary>devreg ingest, and with Sightings:DeferMerge the roll-up run after it of <paramref name="Days"/> days ingested (null otherwise).</summary>
    private readonly record struct OurTiming(Timing Ingest, Timing? RollUp, int Days);

    /// <summary>Runs a program under /usr/bin/time and returns its elapsed and user+system time.</summary>
    private static Timing RunTimed(string program, string arguments, string? stdin = null)
    {
        var (_, output) = BenchPostgres.Run("/usr/bin/time", $"-f \"TIMED %e %U %S\" {program} {arguments}", false, stdin);
        var line = output.Split('\n').Last(l => l.StartsWith("TIMED ", StringComparison.Ordinal)).Split(' ');
        double Seconds(int i) => double.Parse(line[i], CultureInfo.InvariantCulture);
        return new Timing(TimeSpan.FromSeconds(Seconds(1)), TimeSpan.FromSeconds(Seconds(2) + Seconds(3)));
    }

    /// <summary>sqlite3 .import of <paramref name="file"/>, timed, into a bare table that holds <paramref name="previous"/> already.</summary>
    private static Timing TimeSqliteImport(string folder, string file, int rows, string? previous)
    {
        var db = Path.Combine(folder, $"raw-{Guid.NewGuid():N}.db");
        BenchPostgres.Run("sqlite3", db, false, $"{BareTable};\n");
        if (previous is not null)
        {
            BenchPostgres.Run("sqlite3", db, false, $".mode csv\n.import --skip 1 {previous} attach\n");
        }

        var elapsed = RunTimed("sqlite3", db, $".mode csv\n.import --skip 1 {file} attach\n");
        var count = BenchPostgres.Run("sqlite3", $"{db} \"SELECT count(*) FROM attach\"", false).Output.Trim();
        Check(count, previous is null ? rows : 2 * rows, "sqlite3 .import");
        File.Delete(db);
        return elapsed;
    }

    /// <summary>psql \copy of <paramref name="file"/>, timed, into a bare table that holds <paramref name="previous"/> already.</summary>
    private static Timing TimePsqlCopy(BenchPostgres postgres, string file, int rows, string? previous, string shape)
    {
        var cs = postgres.CreateDatabase($"bench_raw_{shape.Replace('-', '_')}");
        using (var connection = new NpgsqlConnection(cs))
        {
            connection.Open();
            using var cmd = new NpgsqlCommand(BareTable, connection);
            cmd.ExecuteNonQuery();
        }

        var libpq = BenchPostgres.Libpq(cs);
        if (previous is not null)
        {
            BenchPostgres.Run("psql", $"\"{libpq}\" -v ON_ERROR_STOP=1 -c \"\\copy attach FROM '{previous}' WITH (FORMAT csv, HEADER true)\"", false);
            BenchPostgres.Run("psql", $"\"{libpq}\" -v ON_ERROR_STOP=1 -c \"VACUUM ANALYZE attach\"", false);
        }

        var server = postgres.ServerCpu();
        var client = RunTimed("psql", $"\"{libpq}\" -v ON_ERROR_STOP=1 -c \"\\copy attach FROM '{file}' WITH (FORMAT csv, HEADER true)\"");
        Thread.Sleep(500); // until the postmaster has reaped the ended backend
        var elapsed = client with { Cpu = client.Cpu + (postgres.ServerCpu() - server ?? TimeSpan.Zero) };
        var count = BenchPostgres.Run("psql", $"\"{libpq}\" -tA -c \"SELECT count(*) FROM attach\"", false).Output.Trim();
        Check(count, previous is null ? rows : 2 * rows, "psql \\copy");
        return elapsed;
    }

    /// <summary>
    /// devreg ingest of <paramref name="file"/>, timed, into a freshly migrated store or, with
    /// <paramref name="previous"/>, one that holds that file already: loaded by devreg ingest untimed, its
    /// detection queue emptied and (PostgreSQL) vacuumed, as the detection job and autovacuum would
    /// have done in the day between.
    /// </summary>
    private static async Task<OurTiming> TimeOursAsync(Dictionary<string, string?> settings, DatabaseProvider provider, string file, string? previous,
        List<string> laterDays, BenchPostgres? postgres)
    {
        var deferred = settings.TryGetValue("Sightings:DeferMerge", out var defer) && string.Equals(defer, "true", StringComparison.OrdinalIgnoreCase);
        var database = new RegistryDatabase(DatabaseOptions.For(provider, settings["ConnectionStrings:Registry"]!));
        await new SchemaMigrator(database).MigrateAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        if (previous is not null)
        {
            var before = Stopwatch.StartNew();
            if (await DevReg.RunAsync(["ingest", previous], output, error, settings) != 0)
            {
                throw new InvalidOperationException($"devreg ingest of the previous day failed: {error}");
            }

            // Deferred: the previous day is rolled up into the store, as the nightly roll-up leaves it.
            if (deferred && await DevReg.RunAsync(["roll-up"], output, error, settings) != 0)
            {
                throw new InvalidOperationException($"devreg roll-up of the previous day failed: {error}");
            }

            await using (var connection = await database.OpenConnectionAsync())
            {
                await using var cmd = connection.CreateCommand();
                cmd.CommandTimeout = 0;
                cmd.CommandText = "DELETE FROM clone_detection_queue";
                await cmd.ExecuteNonQueryAsync();
                cmd.CommandText = provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE" : "PRAGMA wal_checkpoint(TRUNCATE)";
                await cmd.ExecuteNonQueryAsync();
            }

            Console.Error.WriteLine($"previous day: {output.ToString().TrimEnd()} (untimed, {before.Elapsed.TotalSeconds:0.0} s with queue drain and vacuum)");
            output.GetStringBuilder().Clear();
        }

        var ingest = await TimeVerbAsync(["ingest", file], settings, postgres);
        foreach (var later in laterDays)
        {
            var day = await TimeVerbAsync(["ingest", later], settings, postgres);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"later day {Path.GetFileName(later)}: {day.Wall.TotalSeconds:0.00} s, CPU {day.Cpu.TotalSeconds:0.00} s"));
        }

        if (!deferred)
        {
            return new OurTiming(ingest, null, 1);
        }

        return new OurTiming(ingest, await TimeVerbAsync(["roll-up"], settings, postgres), 1 + laterDays.Count);
    }

    /// <summary>One devreg verb in this process, timed: elapsed, and our CPU plus the PostgreSQL server's.</summary>
    private static async Task<Timing> TimeVerbAsync(string[] verb, Dictionary<string, string?> settings, BenchPostgres? postgres)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        NpgsqlConnection.ClearAllPools();
        var server = postgres?.ServerCpu();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var code = await DevReg.RunAsync(verb, output, error, settings);
        var elapsed = stopwatch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        NpgsqlConnection.ClearAllPools(); // ends the backend, so its CPU time is counted
        Console.Error.WriteLine(output.ToString().TrimEnd());
        if (code != 0)
        {
            throw new InvalidOperationException($"devreg {verb[0]} failed ({code}): {error}");
        }

        SqliteConnection.ClearAllPools();
        if (server is not null)
        {
            await Task.Delay(500);
            cpu += postgres!.ServerCpu()!.Value - server.Value;
        }

        return new Timing(elapsed, cpu);
    }

    private static Dictionary<string, string?> SqliteSettings(string path) => new()
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Registry"] = $"Data Source={path}",
    };

    private static Dictionary<string, string?> PostgresSettings(string cs) => new()
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Registry"] = cs,
    };

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, Dictionary<string, string?> extra)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static void Check(string count, int rows, string tool)
    {
        if (count != rows.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{tool} loaded {count} rows, expected {rows}");
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
