using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Cli;
using DeviceRegistry.Data;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// Continuous detection over a national day: fills a store like <see cref="DetectionBenchmark"/> (the four months before
/// the current one), loads one day's attach log touching --touched IMEIs with `devreg ingest` (which queues them), and
/// times `devreg detect --queued`, the evaluation the web host runs. Options: --provider sqlite|postgres,
/// --connection CS (required for postgres: an empty database), --imeis N (default 540000), --touched N (default 300000), --seed N.
/// </summary>
internal sealed class IncrementalDetectionBenchmark : IBenchmark
{
    public string Name => "detect-queued";

    public string Description => "times the continuous (queued) detection of a day touching --touched IMEIs (--provider, --connection, --imeis N, --touched N)";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        var provider = options.GetValueOrDefault("--provider", "sqlite").Equals("postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;
        var imeis = int.Parse(options.GetValueOrDefault("--imeis", "540000"), CultureInfo.InvariantCulture);
        var touched = int.Parse(options.GetValueOrDefault("--touched", "300000"), CultureInfo.InvariantCulture);
        var seed = int.Parse(options.GetValueOrDefault("--seed", "1"), CultureInfo.InvariantCulture);
        if (touched > imeis)
        {
            throw new InvalidOperationException("--touched cannot exceed --imeis");
        }

        var folder = Directory.CreateTempSubdirectory("devreg-bench-queued-").FullName;
        // PostgreSQL: the database named by --connection, or one on a throwaway cluster started here.
        using var server = provider == DatabaseProvider.Postgres && !options.ContainsKey("--connection") ? BenchPostgres.Start() : null;
        var connection = provider == DatabaseProvider.Sqlite
            ? $"Data Source={Path.Combine(folder, "registry.db")};Pooling=False"
            : options.GetValueOrDefault("--connection") ?? server!.CreateDatabase("devreg_bench_queued");
        try
        {
            var database = new RegistryDatabase(DatabaseOptions.For(provider, connection));
            await new SchemaMigrator(database).MigrateAsync();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var months = Enumerable.Range(1, 4).Reverse()
                .Select(back => today.AddMonths(-back)).Select(d => d.Year * 100 + d.Month).ToArray();
            var fill = Stopwatch.StartNew();
            var (pairs, rows) = await DetectionBenchmark.FillAsync(database, imeis, seed, months);
            fill.Stop();
            Console.Error.WriteLine($"filled {rows:N0} sighting rows ({pairs:N0} IMEI-IMSI pairs, {imeis:N0} IMEIs) in {fill.Elapsed.TotalSeconds:F1} s");

            // Yesterday's attach log: every SIM of a spread of --touched IMEIs seen once more.
            var day = Path.Combine(folder, "day.csv");
            var lines = 0L;
            await using (var writer = new StreamWriter(day))
            {
                await writer.WriteLineAsync("date,imei,imsi");
                var step = imeis / (double)touched;
                var chosen = new HashSet<long>(Enumerable.Range(0, touched).Select(i => 35_332_510_000_000L + (long)(i * step)));
                await using var read = await database.OpenConnectionAsync();
                await using var cmd = read.CreateCommand();
                cmd.CommandText = "SELECT DISTINCT imei, imsi FROM sightings WHERE month = " + months[^1].ToString(CultureInfo.InvariantCulture);
                await using var reader = await cmd.ExecuteReaderAsync();
                var date = today.AddDays(-1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                while (await reader.ReadAsync())
                {
                    if (chosen.Contains(reader.GetInt64(0)))
                    {
                        await writer.WriteLineAsync($"{date},{reader.GetInt64(0)},{reader.GetString(1)}");
                        lines++;
                    }
                }
            }

            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["ConnectionStrings:Registry"] = connection,
                ["Eir:CredentialKey"] = "YmVuY2htYXJrIGNyZWRlbnRpYWwga2V5LCBub3QgYSBzZWNyZXQh",
                ["CloneDetection:MaxFlaggedShare"] = "1",
            };
            var ingest = Stopwatch.StartNew();
            var code = await DevReg.RunAsync(["ingest", day, "--operator", "Azercell"], Console.Error, Console.Error, settings);
            ingest.Stop();
            if (code != 0)
            {
                return code;
            }

            using var output = new StringWriter();
            var detect = Stopwatch.StartNew();
            code = await DevReg.RunAsync(["detect", "--queued"], output, Console.Error, settings);
            detect.Stop();
            Console.Error.Write(output.ToString());
            if (code != 0)
            {
                return code;
            }

            Console.WriteLine("| provider | IMEIs in store | sighting rows | IMEIs touched (day's rows) | `devreg ingest` of the day (queues them) | `devreg detect --queued` | peak working set |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {provider} | {imeis:N0} | {rows:N0} | {touched:N0} ({lines:N0}) | {ingest.Elapsed.TotalSeconds:F2} s | {detect.Elapsed.TotalSeconds:F2} s | {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB |"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
