using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Operators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The cost of one NRF access-token check on one thread (<see cref="NrfAccessTokens"/>, as the EIR endpoint calls it):
/// the first validation of a token (signature, claims, consumer mapping) for RS256 and ES256, and a repeated token
/// answered from the cache, with allocated bytes per check. The operator lookup runs on a SQLite file with one operator.
/// Usage: token-check [--first N] [--cached N]
/// </summary>
internal sealed class TokenCheckBenchmark : IBenchmark
{
    private const string Issuer = "5a7b3c1d-2e4f-4a6b-8c9d-0e1f2a3b4c5d";
    private const string Amf = "0c2a4e6f-8b1d-4f3a-9c5e-7a9b1d3f5e70";

    public string Name => "token-check";

    public string Description => "one NRF access-token check: first validation (RS256, ES256) vs cached, µs and bytes allocated";

    public async Task<int> RunAsync(string[] args)
    {
        var firstCount = Option(args, "--first", 5_000);
        var cachedCount = Option(args, "--cached", 1_000_000);
        var folder = Directory.CreateTempSubdirectory("devreg-bench-token-").FullName;
        try
        {
            using var rsa = RSA.Create(2048);
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var r = rsa.ExportParameters(false);
            var e = ec.ExportParameters(false);
            var jwks = Path.Combine(folder, "nrf.jwks.json");
            await File.WriteAllTextAsync(jwks, JsonSerializer.Serialize(new
            {
                keys = new object[]
                {
                    new { kty = "RSA", kid = "rsa-1", n = B64(r.Modulus!), e = B64(r.Exponent!) },
                    new { kty = "EC", kid = "ec-1", crv = "P-256", x = B64(e.Q.X!), y = B64(e.Q.Y!) },
                },
            }));

            var database = new RegistryDatabase(DatabaseOptions.For(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "registry.db")}"));
            await new SchemaMigrator(database).MigrateAsync();
            await using (var connection = await database.OpenConnectionAsync())
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO operators (name, created_at) VALUES ('Azercell', '2026-01-01')";
                await insert.ExecuteNonQueryAsync();
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Eir:Nrf:Issuer"] = Issuer,
                ["Eir:Nrf:JwksFile"] = jwks,
                ["Eir:Nrf:TokenCacheEntries"] = "1000000",
                [$"Eir:Nrf:Consumers:{Amf}"] = "Azercell",
            }).Build();
            var settings = Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section);
            var operators = new OperatorAuthenticator(database, TimeProvider.System, OperatorCredentialKey.Random());
            var tokens = new NrfAccessTokens(settings, new Infrastructure.RegistrySettings(), TimeProvider.System, operators, NullLogger<NrfAccessTokens>.Instance);

            // Distinct tokens (a jti each), made before the clock starts.
            var rs256 = Enumerable.Range(0, firstCount + 100).Select(i => Token("RS256", "rsa-1", i, d => rsa.SignData(d, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))).ToArray();
            var es256 = Enumerable.Range(0, firstCount + 100).Select(i => Token("ES256", "ec-1", i, d => ec.SignData(d, HashAlgorithmName.SHA256))).ToArray();

            Console.WriteLine("| check | checks | µs per check | bytes allocated per check |");
            Console.WriteLine("|---|---:|---:|---:|");
            await FirstRowAsync("first validation, RS256 (2048-bit RSA)", tokens, rs256, firstCount);
            await FirstRowAsync("first validation, ES256 (P-256)", tokens, es256, firstCount);
            CachedRow("repeated token, from the cache", tokens, rs256[0], cachedCount);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Token(string alg, string kid, int jti, Func<byte[], byte[]> sign)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT", kid }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = Issuer,
            sub = Amf,
            aud = "5G_EIR",
            scope = "n5g-eir-eic",
            exp = now + 3600,
            iat = now,
            jti = jti.ToString(CultureInfo.InvariantCulture),
        }));
        var input = header + "." + payload;
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static async Task FirstRowAsync(string name, NrfAccessTokens tokens, string[] all, int count)
    {
        for (var i = count; i < all.Length; i++)
        {
            if ((await tokens.ValidateAsync(all[i], CancellationToken.None)).Outcome != TokenOutcome.Accepted)
            {
                throw new InvalidOperationException(name + " was not accepted");
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            // As the endpoint does it: a miss in the cache, then the validation.
            if (!tokens.TryCached(all[i], out _))
            {
                await tokens.ValidateAsync(all[i], CancellationToken.None);
            }
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Print(name, count, watch.Elapsed, allocated);
    }

    private static void CachedRow(string name, NrfAccessTokens tokens, string token, int count)
    {
        var span = ("Bearer " + token).AsSpan("Bearer ".Length);
        if (!tokens.TryCached(span, out var check) || check.Outcome != TokenOutcome.Accepted)
        {
            throw new InvalidOperationException(name + ": the token is not cached");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            tokens.TryCached(span, out _);
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Print(name, count, watch.Elapsed, allocated);
    }

    private static void Print(string name, int count, TimeSpan elapsed, long allocated) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {count:N0} | {elapsed.TotalMicroseconds / count:F2} | {(double)allocated / count:F0} |"));

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
