using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The evidence query as the page sends it (GetImeiEvidence through MediatR, a new scope per request, the audit
/// entry committed each time) for an IMEI with 150 SIMs over six months, in a store with background noise
/// (other IMEIs' sightings, 200k rows by default); median and p95 over many iterations on SQLite and PostgreSQL,
/// beside the raw read of the same sighting rows timed by sqlite3 (.timer) and psql (\timing).
/// Options: --noise N (sighting rows of other IMEIs), --iterations N, --provider sqlite|postgres|both.
/// </summary>
internal sealed partial class EvidenceBenchmark : IBenchmark
{
    /// <summary>The IMEI key (14 digits) that <see cref="FillAsync"/> gives 150 SIMs.</summary>
    internal const long Key = 86_754_300_000_017;

    internal const int Sims = 150;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly int[] Months = [202606, 202607, 202608, 202609, 202610, 202611];

    public string Name => "evidence";

    public string Description => "GetImeiEvidence for an IMEI with 150 SIMs over 6 months vs the raw row read (--noise 200000 --iterations 200)";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        var noise = int.Parse(options.GetValueOrDefault("--noise", "200000"), CultureInfo.InvariantCulture);
        var iterations = int.Parse(options.GetValueOrDefault("--iterations", "200"), CultureInfo.InvariantCulture);
        var which = options.GetValueOrDefault("--provider", "both");
        var results = new List<string>();

        if (which is "both" or "sqlite")
        {
            var folder = Directory.CreateTempSubdirectory("devreg-bench-evidence-").FullName;
            try
            {
                var file = Path.Combine(folder, "registry.db");
                var database = new RegistryDatabase(DatabaseOptions.For(DatabaseProvider.Sqlite, $"Data Source={file}"));
                var (ours, rows) = await MeasureAsync(database, noise, iterations);
                var raw = SqliteRaw(file, iterations);
                results.Add(Row("SQLite", rows, ours, raw));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        if (which is "both" or "postgres")
        {
            using var postgres = BenchPostgres.Start();
            var cs = postgres.CreateDatabase("bench_evidence");
            var database = new RegistryDatabase(DatabaseOptions.For(DatabaseProvider.Postgres, cs));
            var (ours, rows) = await MeasureAsync(database, noise, iterations);
            NpgsqlConnection.ClearAllPools();
            var raw = PsqlRaw(cs, iterations);
            results.Add(Row("PostgreSQL", rows, ours, raw));
        }

        Console.WriteLine($"| provider | sighting rows | GetImeiEvidence median ms | p95 ms | raw row read median ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        results.ForEach(Console.WriteLine);
        return 0;
    }

    private static string Row(string provider, long rows, List<double> ours, List<double> raw) =>
        string.Create(CultureInfo.InvariantCulture, $"| {provider} | {rows:N0} | {Quantile(ours, 0.5):0.0} | {Quantile(ours, 0.95):0.0} | {Quantile(raw, 0.5):0.00} | {Quantile(raw, 0.95):0.00} |");

    private static async Task<(List<double> Times, long Rows)> MeasureAsync(RegistryDatabase database, int noise, int iterations)
    {
        await new SchemaMigrator(database).MigrateAsync();
        var fill = Stopwatch.StartNew();
        var rows = await FillAsync(database, noise);
        Console.Error.WriteLine($"{database.Provider}: {rows:N0} sighting rows in {fill.Elapsed.TotalSeconds:F1} s");

        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:Registry"] = database.ConnectionString,
            ["Eir:CredentialKey"] = "YmVuY2htYXJrIGNyZWRlbnRpYWwga2V5LCBub3QgYSBzZWNyZXQh",
        };
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(Now));
        services.AddDeviceRegistry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();
        var actor = new StaffActor("bench", "bench", [StaffRoles.Reviewer], null);
        var request = new GetImeiEvidence(new Imei(Key).WithCheckDigit, actor) { AppealTracking = "AP-BENCH-0001" };
        var times = new List<double>(iterations);
        for (var i = -10; i < iterations; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await using var scope = provider.CreateAsyncScope();
            var evidence = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
            stopwatch.Stop();
            if (evidence.Sims.Count != Sims)
            {
                throw new InvalidOperationException($"expected {Sims} SIMs, got {evidence.Sims.Count}");
            }

            if (i >= 0)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return (times, rows);
    }

    /// <summary>150 SIMs on the IMEI (each on stretches of days in each month), a clone verdict, and noise: other IMEIs with one or two SIMs.</summary>
    /// <remarks>Shared with <see cref="BackOfficePagesBenchmark"/>; the schema must exist. Returns the sighting rows written.</remarks>
    internal static async Task<long> FillAsync(RegistryDatabase database, int noise)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var op = connection.CreateCommand())
        {
            op.CommandText = "INSERT INTO operators (name, created_at) VALUES ('Azercell', '2026-01-01'), ('Bakcell', '2026-01-01'), ('Nar', '2026-01-01')";
            if (!database.IsSqlite)
            {
                op.CommandText = op.CommandText.Replace("'2026-01-01'", "timestamptz '2026-01-01 00:00Z'", StringComparison.Ordinal);
            }

            await op.ExecuteNonQueryAsync();
        }

        var random = new Random(7);
        long rows = 0;
        await DeviceRegistry.Sightings.SightingsPartitions.EnsureAsync(connection, null, Months, CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn) VALUES (@i, @s, @o, @m, @d, @f, @l, @n)";
        var p = new[] { "@i", "@s", "@o", "@m", "@d", "@f", "@l", "@n" }.Select(n => { var x = cmd.CreateParameter(); x.ParameterName = n; cmd.Parameters.Add(x); return x; }).ToArray();

        async Task Add(long imei, string imsi, int op, int month, int mask, string msisdn)
        {
            var first = new DateOnly(month / 100, month % 100, 1);
            var days = DateTime.DaysInMonth(first.Year, first.Month);
            mask &= (int)((1L << days) - 1);
            if (mask == 0)
            {
                mask = 1;
            }

            p[0].Value = imei;
            p[1].Value = imsi;
            p[2].Value = op;
            p[3].Value = month;
            p[4].Value = mask;
            var lo = System.Numerics.BitOperations.TrailingZeroCount(mask);
            var hi = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)mask);
            p[5].Value = database.IsSqlite ? first.AddDays(lo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : first.AddDays(lo);
            p[6].Value = database.IsSqlite ? first.AddDays(hi).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : first.AddDays(hi);
            p[7].Value = msisdn;
            await cmd.ExecuteNonQueryAsync();
            rows++;
        }

        for (var s = 0; s < Sims; s++)
        {
            var imsi = "40002" + (1_000_000_000 + s).ToString(CultureInfo.InvariantCulture);
            foreach (var month in Months)
            {
                await Add(Key, imsi, 1 + (s % 3), month, random.Next() | random.Next(), "9945" + (10_000_000 + s).ToString(CultureInfo.InvariantCulture));
            }
        }

        var imeiBase = 35_000_000_000_000L;
        for (var n = 0; rows < (Sims * Months.Length) + noise; n++)
        {
            var imei = imeiBase + (n * 7919L);
            var imsi = "40001" + (1_000_000_000 + n).ToString(CultureInfo.InvariantCulture);
            foreach (var month in Months)
            {
                await Add(imei, imsi, 1 + (n % 3), month, random.Next(), "99450" + (1_000_000 + n).ToString(CultureInfo.InvariantCulture));
            }
        }

        await using (var clone = connection.CreateCommand())
        {
            clone.Transaction = transaction;
            var d = database.IsSqlite ? "'2026-09-15'" : "date '2026-09-15'";
            var t = database.IsSqlite ? "'2026-09-15 03:00:00'" : "timestamptz '2026-09-15 03:00Z'";
            clone.CommandText =
                $"INSERT INTO clone_statuses (imei, status, since, rule, distinct_imsis, days_seen, overlap_days, overlap_share, concurrent_days, max_daily_imsis, first_seen, last_seen, genuine_imsi, as_of, updated_at) VALUES ({Key}, 'Clone', {d}, 'bench', 150, 180, 180, 1, 180, 80, {d}, {d}, '400021000000000', {d}, {t});"
                + $"INSERT INTO clone_status_changes (imei, status, as_of, changed_at, rule, reason) VALUES ({Key}, 'Clone', {d}, {t}, 'bench', NULL);"
                + $"INSERT INTO clone_allowed_pairs (imei, imsi, since) VALUES ({Key}, '400021000000000', {d}), ({Key}, '400021000000003', {d});";
            await clone.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync();
        }

        return rows;
    }

    private const string RawSql = "SELECT imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn FROM sightings WHERE imei = 86754300000017 AND month >= 202606";

    private static List<double> SqliteRaw(string file, int iterations)
    {
        var script = ".output /dev/null\n.timer on\n" + string.Concat(Enumerable.Repeat(RawSql + ";\n", iterations));
        var (_, output) = BenchPostgres.Run("sqlite3", file, false, script);
        return SqliteTime().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000).ToList();
    }

    private static List<double> PsqlRaw(string cs, int iterations)
    {
        var script = "\\timing on\n\\o /dev/null\n" + string.Concat(Enumerable.Repeat(RawSql + ";\n", iterations));
        var (_, output) = BenchPostgres.Run("psql", $"\"{BenchPostgres.Libpq(cs)}\" -X -q", false, script);
        return PsqlTime().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
    }

    private static double Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
    }

    [GeneratedRegex(@"Run Time: real ([0-9.]+)")]
    private static partial Regex SqliteTime();

    [GeneratedRegex(@"Time: ([0-9.]+) ms")]
    private static partial Regex PsqlTime();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
