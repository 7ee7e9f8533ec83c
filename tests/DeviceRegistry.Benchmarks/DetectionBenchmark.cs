using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Cli;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using Npgsql;
using NpgsqlTypes;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// Fills a fresh database with at least 1M IMEI-IMSI pairs over four months (about 6 % of the IMEIs
/// clones of 2 to 40 users, the rest one SIM or a number change) and times `devreg detect` over it.
/// Options: --provider sqlite|postgres, --connection CS (required for postgres: an empty database),
/// --imeis N (default 540000), --seed N.
/// </summary>
internal sealed class DetectionBenchmark : IBenchmark
{
    private static readonly DateOnly AsOf = new(2026, 10, 28);
    private static readonly int[] Months = [202607, 202608, 202609, 202610];

    public string Name => "detect";

    public string Description => "times devreg detect over >= 1M IMEI-IMSI pairs (--provider sqlite|postgres, --connection CS, --imeis N)";

    public async Task<int> RunAsync(string[] args)
    {
        var options = ParseOptions(args);
        var provider = options.GetValueOrDefault("--provider", "sqlite").Equals("postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;
        var imeis = int.Parse(options.GetValueOrDefault("--imeis", "540000"), CultureInfo.InvariantCulture);
        var seed = int.Parse(options.GetValueOrDefault("--seed", "1"), CultureInfo.InvariantCulture);
        string? folder = null;
        string connection;
        if (provider == DatabaseProvider.Sqlite)
        {
            folder = Directory.CreateTempSubdirectory("devreg-bench-detect-").FullName;
            connection = $"Data Source={Path.Combine(folder, "registry.db")};Pooling=False";
        }
        else
        {
            connection = options.GetValueOrDefault("--connection")
                ?? throw new InvalidOperationException("--provider postgres needs --connection with an empty database");
        }

        try
        {
            var database = new RegistryDatabase(DatabaseOptions.For(provider, connection));
            await new SchemaMigrator(database).MigrateAsync();
            var fill = Stopwatch.StartNew();
            var (pairs, rows) = await FillAsync(database, imeis, seed);
            fill.Stop();
            Console.Error.WriteLine($"filled {rows:N0} sighting rows ({pairs:N0} IMEI-IMSI pairs, {imeis:N0} IMEIs) in {fill.Elapsed.TotalSeconds:F1} s");

            var evaluate = Stopwatch.StartNew();
            var evaluation = await new CloneEvaluator(database).EvaluateAsync(CloneRuleSet.Defaults, AsOf);
            evaluate.Stop();

            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["ConnectionStrings:Registry"] = connection,
                ["Eir:CredentialKey"] = "YmVuY2htYXJrIGNyZWRlbnRpYWwga2V5LCBub3QgYSBzZWNyZXQh",
            };
            var detect = Stopwatch.StartNew();
            var code = await DevReg.RunAsync(["detect", "--as-of", AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], Console.Error, Console.Error, settings);
            detect.Stop();
            if (code != 0)
            {
                return code;
            }

            var again = Stopwatch.StartNew();
            code = await DevReg.RunAsync(["detect", "--as-of", AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], Console.Error, Console.Error, settings);
            again.Stop();

            Console.WriteLine("| provider | IMEIs | IMEI-IMSI pairs | sighting rows | clones found | evaluation only | `devreg detect` (first run, writes verdicts) | second run (nothing new) | peak working set |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {provider} | {imeis:N0} | {pairs:N0} | {rows:N0} | {evaluation.Matches.Count:N0} | {evaluate.Elapsed.TotalSeconds:F2} s ({rows / evaluate.Elapsed.TotalSeconds / 1e6:F2} M rows/s) | {detect.Elapsed.TotalSeconds:F2} s | {again.Elapsed.TotalSeconds:F2} s | {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB |"));
            return code;
        }
        finally
        {
            if (folder is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Writes the sightings of four months (by default July to October 2026) straight into the table (this measures detection, not ingest).</summary>
    internal static async Task<(long Pairs, long Rows)> FillAsync(RegistryDatabase database, int imeis, int seed, int[]? months = null)
    {
        var Months = months ?? DetectionBenchmark.Months;
        var random = new Random(seed);
        await using var connection = await database.OpenConnectionAsync();
        await using (var op = connection.CreateCommand())
        {
            op.CommandText = "INSERT INTO operators (name, created_at) VALUES ('Azercell', @now)";
            var p = op.CreateParameter();
            p.ParameterName = "@now";
            p.Value = DateTime.UtcNow;
            op.Parameters.Add(p);
            await op.ExecuteNonQueryAsync();
        }

        int operatorId;
        await using (var id = connection.CreateCommand())
        {
            id.CommandText = "SELECT id FROM operators WHERE name = 'Azercell'";
            operatorId = Convert.ToInt32(await id.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await DeviceRegistry.Sightings.SightingsPartitions.EnsureAsync(connection, null, Months, CancellationToken.None);
        var sink = database.IsSqlite ? (IRowSink)new SqliteSink(connection, operatorId) : new PostgresSink((NpgsqlConnection)connection, operatorId);
        await sink.StartAsync();
        long pairs = 0, rows = 0;
        var imsiCounter = 100_000_000L;
        for (var i = 0; i < imeis; i++)
        {
            var imei = 35_332_510_000_000L + i;
            var roll = random.NextDouble();
            if (roll < 0.06)
            {
                // a clone: 2 to 40 users, all on most days of the four months
                var users = random.NextDouble() < 0.5 ? 2 : random.Next(3, 41);
                for (var u = 0; u < users; u++)
                {
                    var imsi = "40001" + (imsiCounter++).ToString("D10", CultureInfo.InvariantCulture);
                    pairs++;
                    foreach (var month in Months)
                    {
                        await sink.AddAsync(imei, imsi, month, RandomMask(random, 0.7));
                        rows++;
                    }
                }
            }
            else if (roll < 0.35)
            {
                // a number change in the second month, the old SIM still there on the day
                var old = "40002" + (imsiCounter++).ToString("D10", CultureInfo.InvariantCulture);
                var fresh = "40004" + (imsiCounter++).ToString("D10", CultureInfo.InvariantCulture);
                pairs += 2;
                var day = random.Next(1, 29);
                await sink.AddAsync(imei, old, Months[0], RandomMask(random, 0.85));
                await sink.AddAsync(imei, old, Months[1], RandomMask(random, 0.85) & ((1 << day) - 1) | (1 << (day - 1)));
                await sink.AddAsync(imei, fresh, Months[1], (int)(RandomMask(random, 0.85) & ~((1u << (day - 1)) - 1)) | (1 << (day - 1)));
                await sink.AddAsync(imei, fresh, Months[2], RandomMask(random, 0.85));
                await sink.AddAsync(imei, fresh, Months[3], RandomMask(random, 0.85));
                rows += 5;
            }
            else
            {
                var imsi = "40001" + (imsiCounter++).ToString("D10", CultureInfo.InvariantCulture);
                pairs++;
                foreach (var month in Months)
                {
                    await sink.AddAsync(imei, imsi, month, RandomMask(random, 0.85));
                    rows++;
                }
            }
        }

        await sink.CompleteAsync();
        return (pairs, rows);
    }

    private static int RandomMask(Random random, double daily)
    {
        var mask = 0;
        for (var d = 0; d < 31; d++)
        {
            if (random.NextDouble() < daily)
            {
                mask |= 1 << d;
            }
        }

        return mask == 0 ? 1 : mask;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        return options;
    }

    private interface IRowSink
    {
        Task StartAsync();

        ValueTask AddAsync(long imei, string imsi, int month, int mask);

        Task CompleteAsync();
    }

    private sealed class SqliteSink(DbConnection connection, int operatorId) : IRowSink
    {
        private DbTransaction? transaction;
        private DbCommand? insert;
        private long count;

        public async Task StartAsync()
        {
            transaction = await connection.BeginTransactionAsync();
            insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen) VALUES (@i, @s, @o, @m, @k, @f, @l)";
            foreach (var name in new[] { "@i", "@s", "@o", "@m", "@k", "@f", "@l" })
            {
                var p = insert.CreateParameter();
                p.ParameterName = name;
                insert.Parameters.Add(p);
            }

            insert.Parameters[2].Value = operatorId;
        }

        public async ValueTask AddAsync(long imei, string imsi, int month, int mask)
        {
            var first = new DateOnly(month / 100, month % 100, 1);
            insert!.Parameters[0].Value = imei;
            insert.Parameters[1].Value = imsi;
            insert.Parameters[3].Value = month;
            insert.Parameters[4].Value = mask;
            insert.Parameters[5].Value = first;
            insert.Parameters[6].Value = first.AddDays(27);
            await insert.ExecuteNonQueryAsync();
            if (++count % 500_000 == 0)
            {
                await transaction!.CommitAsync();
                transaction = await connection.BeginTransactionAsync();
                insert.Transaction = transaction;
            }
        }

        public async Task CompleteAsync()
        {
            await transaction!.CommitAsync();
            await insert!.DisposeAsync();
        }
    }

    private sealed class PostgresSink(NpgsqlConnection connection, int operatorId) : IRowSink
    {
        private NpgsqlBinaryImporter? importer;

        public async Task StartAsync() =>
            importer = await connection.BeginBinaryImportAsync(
                "COPY sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen) FROM STDIN (FORMAT BINARY)");

        public async ValueTask AddAsync(long imei, string imsi, int month, int mask)
        {
            var first = new DateOnly(month / 100, month % 100, 1);
            await importer!.StartRowAsync();
            await importer.WriteAsync(imei, NpgsqlDbType.Bigint);
            await importer.WriteAsync(imsi, NpgsqlDbType.Varchar);
            await importer.WriteAsync(operatorId, NpgsqlDbType.Integer);
            await importer.WriteAsync(month, NpgsqlDbType.Integer);
            await importer.WriteAsync(mask, NpgsqlDbType.Integer);
            await importer.WriteAsync(first, NpgsqlDbType.Date);
            await importer.WriteAsync(first.AddDays(27), NpgsqlDbType.Date);
        }

        public async Task CompleteAsync()
        {
            await importer!.CompleteAsync();
            await importer.DisposeAsync();
            await using var analyze = connection.CreateCommand();
            analyze.CommandText = "ANALYZE sightings";
            await analyze.ExecuteNonQueryAsync();
        }
    }
}
