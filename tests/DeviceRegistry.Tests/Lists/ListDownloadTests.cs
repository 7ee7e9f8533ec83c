using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;

namespace DeviceRegistry.Tests.Lists;

/// <summary>Operators download their own lists over HTTP (GET /api/v1/lists/...) with their EIR credential.</summary>
public sealed class ListDownloadTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_operator_downloads_its_own_lists_byte_for_byte_never_another_operators_and_nothing_without_a_credential(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ListsExportTests.SeedAsync(db);
        var settings = ListsExportTests.Settings(db);
        var azercell = await RotateAsync(db, "Azercell");
        var bakcell = await RotateAsync(db, "Bakcell");
        using var first = new ListsExportTests.TempDir();
        using var second = new ListsExportTests.TempDir();
        var exported = await Infrastructure.Cli.RunAsync(settings, "lists", "export", "--out", first.Path, "--as-of", "2026-06-15");
        Assert.True(exported.ExitCode == 0, exported.Error);
        var forced = await Infrastructure.Cli.RunAsync(settings, "lists", "export", "--out", second.Path, "--as-of", "2026-07-06", "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);

        await using var web = RegistryWebFactory.On(db, settings);
        web.StartKestrel();
        using var client = web.CreateClient();

        // The latest export's files, as that export wrote them, with the SHA-256 of those bytes as ETag.
        using (var blacklist = await GetAsync(client, "/api/v1/lists/latest/blacklist.csv", azercell))
        {
            Assert.Equal(HttpStatusCode.OK, blacklist.StatusCode);
            Assert.Equal("text/csv", blacklist.Content.Headers.ContentType?.MediaType);
            var bytes = await blacklist.Content.ReadAsByteArrayAsync();
            Assert.Equal(File.ReadAllBytes(Path.Combine(second.Path, "blacklist.csv")), bytes);
            Assert.Equal($"\"{Sha256(Path.Combine(second.Path, "blacklist.csv"))}\"", blacklist.Headers.ETag?.Tag);
            Assert.Equal("2", blacklist.Headers.GetValues("X-List-Export-Run").Single());
        }

        Assert.Equal(File.ReadAllBytes(Path.Combine(second.Path, "exceptions_Azercell.csv")), await BytesAsync(client, "/api/v1/lists/latest/exceptions.csv", azercell));
        Assert.Equal(File.ReadAllBytes(Path.Combine(second.Path, "notifications_Bakcell.csv")), await BytesAsync(client, "/api/v1/lists/latest/notifications.csv", bakcell));
        Assert.Equal(File.ReadAllBytes(Path.Combine(second.Path, "notifications_Azercell_delta.csv")), await BytesAsync(client, "/api/v1/lists/latest/notifications_delta.csv", azercell));
        Assert.Equal(File.ReadAllBytes(Path.Combine(second.Path, "exceptions_Bakcell_delta.csv")), await BytesAsync(client, "/api/v1/lists/latest/exceptions_Bakcell_delta.csv", bakcell));
        Assert.Equal(File.ReadAllBytes(Path.Combine(second.Path, "blacklist_delta.csv")), await BytesAsync(client, "/api/v1/lists/latest/blacklist_delta.csv", bakcell));

        // By run: the first export's files, as it wrote them (the same exceptions text the export test pins).
        Assert.Equal(File.ReadAllBytes(Path.Combine(first.Path, "blacklist.csv")), await BytesAsync(client, "/api/v1/lists/runs/1/blacklist.csv", bakcell));
        Assert.Equal("imei,imsi,msisdn\n26053179311383,400011111111111,994501111111\n"u8.ToArray(), await BytesAsync(client, "/api/v1/lists/runs/1/exceptions.csv", azercell));
        using (var noDelta = await GetAsync(client, "/api/v1/lists/runs/1/blacklist_delta.csv", azercell))
        {
            Assert.Equal(HttpStatusCode.NotFound, noDelta.StatusCode);
        }

        // Another operator's lists do not exist for it, by full name, by run, or as a delta.
        foreach (var path in new[]
                 {
                     "/api/v1/lists/latest/exceptions_Bakcell.csv", "/api/v1/lists/latest/notifications_Bakcell.csv",
                     "/api/v1/lists/runs/1/notifications_Bakcell.csv", "/api/v1/lists/latest/exceptions_Bakcell_delta.csv",
                     "/api/v1/lists/latest/list_export_files", "/api/v1/lists/latest/..%2Fexceptions_Bakcell.csv",
                 })
        {
            using var refused = await GetAsync(client, path, azercell);
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{path}: {refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("400022222222222", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The ETag answers a repeat with 304 and no body.
        var etag = $"\"{Sha256(Path.Combine(second.Path, "exceptions_Azercell.csv"))}\"";
        using (var repeat = new HttpRequestMessage(HttpMethod.Get, "/api/v1/lists/latest/exceptions.csv"))
        {
            repeat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", azercell);
            repeat.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
            using var notModified = await client.SendAsync(repeat);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        // Without a credential, or with a wrong one: 401 with a Bearer challenge, no list.
        using (var anonymous = await client.GetAsync(new Uri("/api/v1/lists/latest/blacklist.csv", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            Assert.DoesNotContain("26053179311383", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrong = await GetAsync(client, "/api/v1/lists/latest/exceptions.csv", azercell[..^2] + "xx"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("invalid_token", wrong.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        }

        // The index names the caller's files of the latest export only.
        using var index = await GetAsync(client, "/api/v1/lists/latest", bakcell);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        using var json = JsonDocument.Parse(await index.Content.ReadAsStringAsync());
        Assert.Equal("Bakcell", json.RootElement.GetProperty("operator").GetString());
        Assert.Equal(
            [
                ("blacklist.csv", "blacklist.csv"), ("blacklist_delta.csv", "blacklist_delta.csv"),
                ("exceptions.csv", "exceptions_Bakcell.csv"), ("exceptions_delta.csv", "exceptions_Bakcell_delta.csv"),
                ("notifications.csv", "notifications_Bakcell.csv"), ("notifications_delta.csv", "notifications_Bakcell_delta.csv"),
            ],
            json.RootElement.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("name").GetString(), f.GetProperty("file").GetString())));
        Assert.All(json.RootElement.GetProperty("files").EnumerateArray(), f => Assert.Equal(2, f.GetProperty("runId").GetInt64()));
    }

    private static async Task<string> RotateAsync(TestDatabase db, string name)
    {
        var rotated = await Infrastructure.Cli.RunAsync(db, "operator", "rotate", name);
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        return rotated.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client.SendAsync(request);
    }

    private static async Task<byte[]> BytesAsync(HttpClient client, string path, string secret)
    {
        using var response = await GetAsync(client, path, secret);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
