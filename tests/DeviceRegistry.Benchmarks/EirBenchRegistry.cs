using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// What the EIR benchmarks share: the Release web host to start, a temporary SQLite registry migrated by
/// <c>devreg migrate</c> and seeded with <see cref="EirHttpBenchmark.Seed"/>, one operator credential from
/// <c>devreg operator add</c>, and the web host's environment (plus <c>--web-env KEY=VALUE</c> options, for diagnostics
/// such as DOTNET_PerfMapEnabled=1).
/// </summary>
internal sealed class EirBenchRegistry : IDisposable
{
    private EirBenchRegistry(string webDll, string folder)
    {
        WebDll = webDll;
        Folder = folder;
        Database = Path.Combine(folder, "registry.db");
    }

    public string WebDll { get; }

    public string Folder { get; }

    public string Database { get; }

    public string Secret { get; private set; } = "";

    public Dictionary<string, string?> CliSettings => new()
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Registry"] = $"Data Source={Database}",
    };

    /// <summary>Null (after saying why) when the Release web host has not been built.</summary>
    public static async Task<EirBenchRegistry?> CreateAsync(string benchmark, int imeis)
    {
        var webDll = Path.Combine(EirHttpBenchmark.RepositoryRoot(), "src/DeviceRegistry.Web/bin/Release/net10.0/DeviceRegistry.Web.dll");
        if (!File.Exists(webDll))
        {
            Console.Error.WriteLine($"{benchmark}: {webDll} is missing; build it first: dotnet build -c Release src/DeviceRegistry.Web");
            return null;
        }

        var registry = new EirBenchRegistry(webDll, Directory.CreateTempSubdirectory($"devreg-bench-{benchmark}-").FullName);
        await EirHttpBenchmark.DevRegAsync(["migrate"], registry.CliSettings);
        var seed = Stopwatch.StartNew();
        EirHttpBenchmark.Seed(registry.Database, imeis, DateOnly.FromDateTime(DateTime.UtcNow));
        Console.Error.WriteLine($"seeded {imeis:N0} IMEIs in {seed.Elapsed.TotalSeconds:0.0} s");
        registry.Secret = EirHttpBenchmark.SecretPattern().Match(
            await EirHttpBenchmark.DevRegAsync(["operator", "add", "BenchOperator"], registry.CliSettings)).Groups[1].Value;
        return registry;
    }

    /// <summary>The web host's environment on this registry: <paramref name="urls"/>, the SBA listener (empty: none), no demo data.</summary>
    public Dictionary<string, string> WebEnvironment(string urls, string sbaListen, string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["Urls"] = urls,
            ["Eir__SbaListen"] = sbaListen,
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Registry"] = $"Data Source={Database}",
            ["Demo__LoadOnEmptyDatabase"] = "false",
        };
        for (var i = Array.IndexOf(args, "--web-env"); i >= 0 && i + 1 < args.Length; i = Array.IndexOf(args, "--web-env", i + 1))
        {
            var pair = args[i + 1].Split('=', 2);
            environment[pair[0]] = pair[1];
        }

        return environment;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
