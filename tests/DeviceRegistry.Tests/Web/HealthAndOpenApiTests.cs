using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DeviceRegistry.Tests.Web;

public sealed class HealthAndOpenApiTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ready_follows_the_database_while_live_stays_up(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();

        using (var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }

        await TakeDatabaseAwayAsync(web.Database);

        using (var notReady = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            using var body = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync());
            Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }

        using var stillLive = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stillLive.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Errors_are_problem_details_without_internals(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        using var missing = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        await TakeDatabaseAwayAsync(web.Database);
        using var failed = await client.GetAsync(new Uri("/api/v1/imei/490154203237518", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        var body = await failed.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(web.Database.Provider == DatabaseProvider.Sqlite ? "registry.db" : "devreg_test_", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_host_stops_within_its_timeout_when_the_database_is_gone_while_the_scheduler_holds_a_trigger(DatabaseProvider provider)
    {
        // Fired every second, the continuous detection trigger is almost always acquired by the scheduler thread,
        // which must release it to the (gone) database when halted: Quartz alone retries that for ever.
        var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["Detection:ContinuousIntervalSeconds"] = "1" });
        using (var client = web.CreateClient())
        using (var page = await client.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        await Task.Delay(1500);
        await TakeDatabaseAwayAsync(web.Database);
        await AssertStopsPromptlyAsync(web);
    }

    /// <summary>Stops the host and fails unless it stopped within 15 s (its stop timeout is 10 s).</summary>
    internal static async Task AssertStopsPromptlyAsync(RegistryWebFactory web)
    {
        var stopping = Stopwatch.StartNew();
        var stop = web.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(45)));
        Assert.True(finished == stop, $"the host had not stopped {stopping.Elapsed.TotalSeconds:F0} s after it was told to");
        await stop;
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {stopping.Elapsed}");
    }

    internal static async Task TakeDatabaseAwayAsync(TestDatabase db)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // A directory where the database file was: SQLite cannot open it. The host's background work (the
            // index poll, the scheduler) may open, and so re-create, the file between the delete and the directory.
            var file = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
            for (var attempt = 1; !Directory.Exists(file); attempt++)
            {
                SqliteConnection.ClearAllPools();
                foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                {
                    File.Delete(path);
                }

                try
                {
                    Directory.CreateDirectory(file);
                }
                catch (IOException) when (attempt < 50)
                {
                    await Task.Delay(20);
                }
            }
        }
        else
        {
            var name = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresCluster.AdminConnectionString);
            await admin.OpenAsync();
            await using var cmd = admin.CreateCommand();
            cmd.CommandText = $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false";
            await cmd.ExecuteNonQueryAsync();

            // pg_terminate_backend only signals: until a backend has gone, a connection the host's background work took from
            // the pool meanwhile may still answer. Wait until none is left, then empty the pools again, so the next request
            // has to open a connection, which the database now refuses.
            cmd.CommandText = $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{name}'";
            for (var waited = Stopwatch.StartNew(); Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0; await Task.Delay(20))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"sessions on {name} did not end within 10 s");
            }

            NpgsqlConnection.ClearAllPools();
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_openapi_document_describes_the_public_check(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var get = root.GetProperty("paths").GetProperty("/api/v1/imei/{imei}").GetProperty("get");
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "imei" && p.GetProperty("in").GetString() == "path");
        Assert.True(get.GetProperty("responses").TryGetProperty("429", out _));
        var okSchema = get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var reference = okSchema.GetProperty("$ref").GetString()!;
        var schema = root.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/')[^1]);
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "imei", "valid", "reason", "device", "status", "title", "text", "registrationDeadline", "dutyAzn", "language" })
        {
            Assert.Contains(expected, properties);
        }

        // The operators' N5g-eir API is described too, with its query parameters and error answers.
        var eir = root.GetProperty("paths").GetProperty("/n5g-eir-eic/v1/equipment-status").GetProperty("get");
        var eirParameters = eir.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("pei", eirParameters);
        Assert.Contains("supi", eirParameters);
        Assert.Contains("gpsi", eirParameters);
        foreach (var code in new[] { "200", "400", "401", "404" })
        {
            Assert.True(eir.GetProperty("responses").TryGetProperty(code, out _), code);
        }
    }
}
