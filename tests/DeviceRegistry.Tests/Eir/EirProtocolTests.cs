using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using static DeviceRegistry.Tests.Eir.EirDecisionTests;

namespace DeviceRegistry.Tests.Eir;

public sealed class EirProtocolTests
{
    private const long Clone = 49015420323751;
    private const long Unseen = 35100000000021;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Unknown_equipment_gets_problem_details_with_its_cause(DatabaseProvider provider)
    {
        // Every other input case is in EirConformanceTests.
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var host = await EirTestHost.StartAsync(db);
        using var unknown = await host.CheckAsync(Pei(Unseen));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        using var unknownJson = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync());
        Assert.Equal(404, unknownJson.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("ERROR_EQUIPMENT_UNKNOWN", unknownJson.RootElement.GetProperty("cause").GetString());
        Assert.Empty(ThreeGppSchema.Validate(unknownJson.RootElement, ThreeGppSchema.ProblemDetails));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_a_valid_operator_secret_there_is_no_answer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await Sql.CloneAsync(db, Clone, "400011234567890");
        await using var host = await EirTestHost.StartAsync(db);
        var url = "/n5g-eir-eic/v1/equipment-status?pei=" + Pei(Clone);
        var secretOfOtherOperator = host.Secret.Replace($"eir_{host.OperatorId}_", $"eir_{host.OperatorId + 1}_", StringComparison.Ordinal);
        var tampered = host.Secret[..^2] + (host.Secret[^2] == 'A' ? "BB" : "AA");

        foreach (var authorization in new[] { null, "Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-secret", "Bearer " + tampered, "Bearer " + secretOfOtherOperator })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var anonymous = host.App.GetTestClient();
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{authorization ?? "(none)"} got {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(401, json.RootElement.GetProperty("status").GetInt32());
        }

        // The stored credential is a keyed hash (HMAC-SHA-256), never the secret.
        var stored = await Sql.QueryAsync(db.Database, "SELECT secret_hash FROM operators");
        var hash = Assert.IsType<string>(Assert.Single(stored)[0]);
        Assert.StartsWith("hmac-sha256$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Secret, hash, StringComparison.Ordinal);

        using var allowed = await host.CheckAsync(Pei(Clone), "imsi-400011234567890");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        // A second operator's secret works too and is told apart from the first.
        var second = await Infrastructure.Cli.RunAsync(db, "operator", "add", "Bakcell");
        Assert.Equal(0, second.ExitCode);
        var bakcellSecret = second.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))[8..].Trim();
        using var bakcell = host.App.GetTestClient();
        bakcell.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bakcellSecret);
        await Task.Delay(1100); // unknown operator ids are looked up at most once a second
        using var bakcellAnswer = await bakcell.GetAsync(url + "&supi=imsi-400011234567890");
        Assert.Equal(HttpStatusCode.OK, bakcellAnswer.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_batch_endpoint_answers_each_check_on_its_own(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await Sql.CloneAsync(db, Clone, "400011234567890");
        await using var host = await EirTestHost.StartAsync(db, new Dictionary<string, string?> { ["Eir:MaxBatchChecks"] = "5" });
        const string url = "/n5g-eir-eic/v1/equipment-status:batch";

        var body = $$"""
            {"checks":[
              {"pei":"{{Pei(Clone)}}","supi":"imsi-400011234567890"},
              {"pei":"{{Pei(Clone)}}","supi":"imsi-400029999999999","gpsi":"msisdn-994501234567"},
              {"pei":"imei-123"},
              {"pei":"{{Pei(Unseen)}}"},
              {"supi":"imsi-400011234567890","pei":42}
            ]}
            """;
        using var response = await host.Client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.Equal([0, 1, 2, 3, 4], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal("WHITELISTED", results[0].GetProperty("status").GetString());
        Assert.Equal("BLACKLISTED", results[1].GetProperty("status").GetString());
        Assert.Equal("MANDATORY_IE_INCORRECT", results[2].GetProperty("error").GetProperty("cause").GetString());
        Assert.Equal("/checks/2/pei", results[2].GetProperty("error").GetProperty("invalidParams")[0].GetProperty("param").GetString());
        Assert.Equal("ERROR_EQUIPMENT_UNKNOWN", results[3].GetProperty("error").GetProperty("cause").GetString());
        Assert.Equal(404, results[3].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("/checks/4/pei", results[4].GetProperty("error").GetProperty("invalidParams")[0].GetProperty("param").GetString());
        Assert.False(results[0].TryGetProperty("error", out _));

        var tooMany = "{\"checks\":[" + string.Join(',', Enumerable.Repeat($"{{\"pei\":\"{Pei(Clone)}\"}}", 6)) + "]}";
        foreach (var (bad, mediaType) in new[] { (tooMany, "application/json"), ("{\"checks\":", "application/json"), ("{\"items\":[]}", "application/json") })
        {
            using var rejected = await host.Client.PostAsync(url, new StringContent(bad, Encoding.UTF8, mediaType));
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync());
            Assert.Equal("INVALID_MSG_FORMAT", problem.RootElement.GetProperty("cause").GetString());
        }

        using var notJson = await host.Client.PostAsync(url, new StringContent("pei=imei-1", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);

        using var anonymous = host.App.GetTestClient();
        using var unauthorized = await anonymous.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
