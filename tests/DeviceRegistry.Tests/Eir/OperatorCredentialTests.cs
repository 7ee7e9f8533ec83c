using System.Net;
using System.Text;
using DeviceRegistry.Data;
using DeviceRegistry.Operators;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Tests.Eir;

public sealed class OperatorCredentialTests
{
    private const string Path = "/n5g-eir-eic/v1/equipment-status";

    [Fact]
    public void An_hmac_hash_verifies_its_own_secret_with_its_own_key_only()
    {
        var key = OperatorCredentialKey.Random();
        var secret = OperatorSecret.Generate(7);
        var hash = OperatorSecret.HashHmac(secret, key);

        Assert.Matches(@"^hmac-sha256\$[0-9a-f]{8}\$[A-Za-z0-9+/=]{44}$", hash);
        Assert.StartsWith($"hmac-sha256${key.Id}$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["eir_7_".Length..], hash, StringComparison.Ordinal);
        Assert.True(OperatorSecret.Verify(secret, hash, key));
        Assert.False(OperatorSecret.Verify(secret + "x", hash, key));
        Assert.False(OperatorSecret.Verify(OperatorSecret.Generate(7), hash, key));
        Assert.False(OperatorSecret.Verify(secret, hash, OperatorCredentialKey.Random()));
        Assert.Equal(hash, OperatorSecret.HashHmac(secret, key));
        Assert.False(OperatorSecret.Verify(secret, "hmac-sha256$" + key.Id + "$!!", key));

        var legacy = OperatorSecret.Hash(secret);
        Assert.True(OperatorSecret.Verify(secret, legacy, key));
        Assert.False(OperatorSecret.Verify(OperatorSecret.Generate(7), legacy, key));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_operator_secret_is_stored_as_hmac_authenticates_and_a_forged_one_fails(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db);

        var hash = await StoredHashAsync(db, "Azercell");
        Assert.Matches(@"^hmac-sha256\$[0-9a-f]{8}\$[A-Za-z0-9+/=]{44}$", hash);
        Assert.DoesNotContain(host.Secret, hash, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Secret[^43..], hash, StringComparison.Ordinal);

        var key = CredentialKeyOf(db);
        foreach (var table in new[] { "operators", "audit_entries" })
        {
            foreach (var row in await Sql.QueryAsync(db.Database, $"SELECT * FROM {table}"))
            {
                var text = string.Join("|", row.Select(Sql.Text));
                Assert.DoesNotContain(key, text, StringComparison.Ordinal);
                Assert.DoesNotContain(host.Secret, text, StringComparison.Ordinal);
            }
        }

        using (var real = await host.CheckAsync("imei-490154203237518"))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, real.StatusCode);
        }

        foreach (var forged in new[] { OperatorSecret.Generate(host.OperatorId), host.Secret[..^1] + (host.Secret[^1] == 'A' ? 'B' : 'A'), "eir_999_x" })
        {
            var response = await SendAsync(host, forged, IPAddress.Parse("10.0.0.9"));
            Assert.Equal(StatusCodes.Status401Unauthorized, response.Response.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_pbkdf2_row_authenticates_until_rotate_replaces_it_with_hmac_and_the_old_secret_then_fails(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db);
        var legacySecret = OperatorSecret.Generate(host.OperatorId);
        await Sql.ExecAsync(db.Database, "UPDATE operators SET secret_hash = @h WHERE id = @i",
            ("@h", OperatorSecret.Hash(legacySecret)), ("@i", host.OperatorId));

        await WaitForAsync(async () => (await SendAsync(host, legacySecret, IPAddress.Loopback)).Response.StatusCode != StatusCodes.Status401Unauthorized);

        var missing = await Infrastructure.Cli.RunAsync(db, "operator", "rotate", "Nobody");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no operator is named Nobody", missing.Error, StringComparison.Ordinal);

        var rotated = await Infrastructure.Cli.RunAsync(db, "operator", "rotate", "Azercell");
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        var newSecret = rotated.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        Assert.StartsWith("hmac-sha256$", await StoredHashAsync(db, "Azercell"), StringComparison.Ordinal);
        var audit = await Sql.QueryAsync(db.Database, "SELECT action FROM audit_entries");
        Assert.Contains(audit, row => Sql.Text(row[0]).Contains("reissue", StringComparison.OrdinalIgnoreCase)
            || Sql.Text(row[0]).Contains("secret", StringComparison.OrdinalIgnoreCase));

        await WaitForAsync(async () => (await SendAsync(host, legacySecret, IPAddress.Loopback)).Response.StatusCode == StatusCodes.Status401Unauthorized);
        Assert.NotEqual(StatusCodes.Status401Unauthorized, (await SendAsync(host, newSecret, IPAddress.Loopback)).Response.StatusCode);
    }

    [Fact]
    public async Task A_remembered_right_hmac_secret_stops_working_after_rotate_and_a_near_copy_never_matches_it()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await EirTestHost.StartAsync(db);
        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(StatusCodes.Status401Unauthorized, (await SendAsync(host, host.Secret, IPAddress.Loopback)).Response.StatusCode);
        }

        // Same length, one character off: the remembered secret must not answer for it.
        var nearCopy = host.Secret[..^1] + (host.Secret[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(StatusCodes.Status401Unauthorized, (await SendAsync(host, nearCopy, IPAddress.Parse("10.0.0.8"))).Response.StatusCode);

        var rotated = await Infrastructure.Cli.RunAsync(db, "operator", "rotate", "Azercell");
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        var newSecret = rotated.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();

        await WaitForAsync(async () => (await SendAsync(host, host.Secret, IPAddress.Loopback)).Response.StatusCode == StatusCodes.Status401Unauthorized);
        Assert.NotEqual(StatusCodes.Status401Unauthorized, (await SendAsync(host, newSecret, IPAddress.Loopback)).Response.StatusCode);
        Assert.Equal(StatusCodes.Status401Unauthorized, (await SendAsync(host, host.Secret, IPAddress.Loopback)).Response.StatusCode);
    }

    [Theory]
    [InlineData("Eir:CredentialKey", "not base64 at all!", "is not base64")]
    [InlineData("Eir:CredentialKey", "c2hvcnQ=", "is 5 bytes")]
    [InlineData("Eir:CredentialKeyFile", "/nonexistent/devreg/credential.key", "does not exist")]
    public async Task A_bad_key_setting_stops_the_cli_and_the_host_with_a_message_naming_the_key(string setting, string value, string problem)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string?>(db.Settings) { [setting] = value };

        var cli = await Infrastructure.Cli.RunAsync(settings, "operator", "add", "Nar");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains(setting, cli.Error, StringComparison.Ordinal);
        Assert.Contains(problem, cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(value == "c2hvcnQ=" ? value : "\u0000", cli.Error, StringComparison.Ordinal);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => EirTestHost.StartAsync(db, new Dictionary<string, string?> { [setting] = value }));
        Assert.Contains(setting, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_key_setting_is_refused_naming_both_keys()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = db.Settings.Where(s => s.Key != "Eir:CredentialKey").ToDictionary();

        var cli = await Infrastructure.Cli.RunAsync(settings, "operator", "add", "Nar");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("Eir:CredentialKey or Eir:CredentialKeyFile must be set", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_setting_is_used_and_the_generated_key_stays_the_same_across_starts()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var first = await Infrastructure.Cli.RunAsync(db, "operator", "add", "Nar");
        Assert.Equal(0, first.ExitCode);
        var generated = CredentialKeyOf(db);
        Assert.True(Convert.FromBase64String(generated).Length >= 32);
        var second = await Infrastructure.Cli.RunAsync(db, "operator", "add", "Bakcell");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(generated, CredentialKeyOf(db));

        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"devreg-key-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(file, Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('k', 40))));
        try
        {
            var withFile = await Infrastructure.Cli.RunAsync(new Dictionary<string, string?>(db.Settings) { ["Eir:CredentialKeyFile"] = file }, "operator", "rotate", "Nar");
            Assert.True(withFile.ExitCode == 0, withFile.Error);
            var fileKey = new OperatorCredentialKey(Encoding.UTF8.GetBytes(new string('k', 40)), "test");
            Assert.StartsWith($"hmac-sha256${fileKey.Id}$", await StoredHashAsync(db, "Nar"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task After_too_many_failures_one_address_gets_429_while_a_real_operator_elsewhere_is_answered(DatabaseProvider provider)
    {
        const int limit = 5;
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db, new Dictionary<string, string?> { ["Eir:MaxFailedAuthenticationsPerMinute"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var attacker = IPAddress.Parse("192.0.2.66");
        var forged = OperatorSecret.Generate(host.OperatorId);

        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await SendAsync(host, forged, attacker)).Response.StatusCode);
        }

        // A minute boundary may fall inside the loop above; within another window's worth the address is refused.
        HttpContext? refused = null;
        for (var i = 0; i <= limit + 1 && refused is null; i++)
        {
            var response = await SendAsync(host, forged, attacker);
            refused = response.Response.StatusCode == StatusCodes.Status429TooManyRequests ? response : null;
        }

        Assert.NotNull(refused);
        Assert.True(int.Parse(refused.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 60);
        Assert.StartsWith("application/problem+json", refused.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status429TooManyRequests, (await SendAsync(host, host.Secret, attacker)).Response.StatusCode);

        var real = await SendAsync(host, host.Secret, IPAddress.Parse("198.51.100.7"));
        Assert.NotEqual(StatusCodes.Status401Unauthorized, real.Response.StatusCode);
        Assert.NotEqual(StatusCodes.Status429TooManyRequests, real.Response.StatusCode);
    }

    private static Task<HttpContext> SendAsync(EirTestHost host, string secret, IPAddress address) =>
        host.App.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = Path;
            context.Request.QueryString = new QueryString("?pei=imei-490154203237518");
            context.Request.Headers.Authorization = "Bearer " + secret;
            context.Connection.RemoteIpAddress = address;
        });

    private static async Task<string> StoredHashAsync(TestDatabase db, string name)
    {
        var rows = await Sql.QueryAsync(db.Database, $"SELECT secret_hash FROM operators WHERE name = '{name}'");
        return (string)Assert.Single(rows)[0]!;
    }

    private static string CredentialKeyOf(TestDatabase db)
    {
        if (db.Provider == DatabaseProvider.Postgres)
        {
            return TestDatabase.PostgresCredentialKey;
        }

        var folder = System.IO.Path.GetDirectoryName(new SqliteConnectionStringBuilder(db.ConnectionString).DataSource)!;
        return File.ReadAllText(System.IO.Path.Combine(folder, OperatorCredentialKey.GeneratedFileName)).Trim();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(200);
        }
    }
}
