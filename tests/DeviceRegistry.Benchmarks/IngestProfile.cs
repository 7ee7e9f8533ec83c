using System.Diagnostics;
using DeviceRegistry.Data;
using DeviceRegistry.Sightings;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// Where the ingest time goes, stage by stage, on a generated file: reading rows, aggregating them,
/// merging the aggregate into a fresh SQLite store. Usage: <c>ingest-profile [--rows N] [--shape week|day] [postgres]</c>.
/// </summary>
internal sealed class IngestProfile : IBenchmark
{
    public string Name => "ingest-profile";

    public string Description => "time the ingest stages (parse, aggregate, merge) separately";

    public async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 1 && args[0] == "--rows" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var shape = Array.IndexOf(args, "--shape") is var i and >= 0 ? args[i + 1] : "day";
        var folder = Directory.CreateTempSubdirectory("devreg-bench-profile-").FullName;
        try
        {
            var file = Path.Combine(folder, "attach.csv");
            AttachLogGenerator.Write(file, shape, rows, seed: 2026);

            var stopwatch = Stopwatch.StartNew();
            long good = 0;
            using (var stream = File.OpenRead(file))
            using (var reader = AttachLogReader.Open(stream, new DeviceRegistry.Infrastructure.ZoneOffsets(DeviceRegistry.Infrastructure.RegistryClock.FindZone("Asia/Baku")), new DateOnly(2026, 12, 31), true))
            {
                while (reader.Read(out _) != AttachLogReadOutcome.End)
                {
                    good++;
                }
            }

            Console.WriteLine($"parse: {good:N0} rows in {stopwatch.Elapsed.TotalSeconds:0.00} s");

            stopwatch.Restart();
            var buffer = new SightingBuffer(10_000_000, new DeviceRegistry.Identifiers.HomeNetworks(new DeviceRegistry.Infrastructure.RegistrySettings()));
            using (var stream = File.OpenRead(file))
            using (var reader = AttachLogReader.Open(stream, new DeviceRegistry.Infrastructure.ZoneOffsets(DeviceRegistry.Infrastructure.RegistryClock.FindZone("Asia/Baku")), new DateOnly(2026, 12, 31), true))
            {
                while (reader.Read(out var row) == AttachLogReadOutcome.Row)
                {
                    buffer.Add(row.Imei, row.Imsi, row.Msisdn, 1, row.Date);
                }
            }

            Console.WriteLine($"parse + aggregate: {buffer.SightingCount:N0} keys in {stopwatch.Elapsed.TotalSeconds:0.00} s");

            using var postgres = args.Contains("postgres") ? BenchPostgres.Start() : null;
            var database = postgres is null
                ? new RegistryDatabase(DatabaseOptions.For(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "p.db")}"))
                : new RegistryDatabase(DatabaseOptions.For(DatabaseProvider.Postgres, postgres.CreateDatabase("profile")));
            await new SchemaMigrator(database).MigrateAsync();
            await using var connection = await database.OpenConnectionAsync();
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "INSERT INTO operators (name, created_at) VALUES ('x', '2026-01-01')" + (postgres is null ? "; PRAGMA cache_size = -131072;" : "");
                await cmd.ExecuteNonQueryAsync();
            }

            await using var transaction = await connection.BeginTransactionAsync();
            stopwatch.Restart();
            var counts = await SightingsMerger.MergeAsync(connection, transaction, buffer, DateTime.UtcNow);
            Console.WriteLine($"merge into {database.Provider}: {counts} in {stopwatch.Elapsed.TotalSeconds:0.00} s");
            stopwatch.Restart();
            await transaction.CommitAsync();
            Console.WriteLine($"commit: {stopwatch.Elapsed.TotalSeconds:0.00} s");
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }
}
