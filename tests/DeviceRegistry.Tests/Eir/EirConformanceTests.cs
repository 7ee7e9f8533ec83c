using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Tests.Eir;

/// <summary>
/// The input-to-answer table of GET /n5g-eir-eic/v1/equipment-status (docs/eir.md), each row written by
/// hand: the query, the status, the cause and the invalidParams[].param names in order (comma-separated).
/// The IMEI 49015420323751 is a clone whose allowed SIM is imsi-400011234567890, so every well-formed
/// IMEI check is answered 200.
/// </summary>
public sealed class EirConformanceTests
{
    private const string Path = "/n5g-eir-eic/v1/equipment-status";
    private const string Imei = "imei-490154203237518";
    private const string Sim = "imsi-400011234567890";
    private const long Clone = 49015420323751;

    public static TheoryData<string, int, string, string> Cases => new()
    {
        // pei missing or empty
        { "", 400, "MANDATORY_QUERY_PARAM_MISSING", "query pei" },
        { "?pei=", 400, "MANDATORY_QUERY_PARAM_MISSING", "query pei" },
        { "?pei", 400, "MANDATORY_QUERY_PARAM_MISSING", "query pei" },
        { $"?supi={Sim}", 400, "MANDATORY_QUERY_PARAM_MISSING", "query pei" },
        { $"?PEI={Imei}", 400, "MANDATORY_QUERY_PARAM_MISSING", "query PEI,query pei" },
        // pei malformed or repeated
        { "?pei=imei-12345", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=imei-4901542032375180", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=imei-49015420323751a", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=imeisv-490154203237518", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=IMEI-490154203237518", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=490154203237518", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=mac-00-11-22-33-44-5", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=eui-00-11-22-33-44-55-66", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { $"?pei={Imei}&pei={Imei}", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query pei" },
        { "?pei=imei-123&foo=1", 400, "MANDATORY_QUERY_PARAM_INCORRECT", "query foo,query pei" },
        // parameters the API does not define (names are case-sensitive)
        { $"?pei={Imei}&foo=1", 400, "INVALID_QUERY_PARAM", "query foo" },
        { $"?pei={Imei}&Supi={Sim}", 400, "INVALID_QUERY_PARAM", "query Supi" },
        { $"?pei={Imei}&foo=1&supi=imsi-1", 400, "INVALID_QUERY_PARAM", "query foo,query supi" },
        // optional parameters malformed or repeated
        { $"?pei={Imei}&supi=imsi-1234", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supi" },
        { $"?pei={Imei}&supi=imsi-4000112345678901", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supi" },
        { $"?pei={Imei}&supi=", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supi" },
        { $"?pei={Imei}&supi=nai-", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supi" },
        { $"?pei={Imei}&supi=400011234567890&gpsi=msisdn-12", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supi,query gpsi" },
        { $"?pei={Imei}&gpsi=extid-nodomain", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query gpsi" },
        { $"?pei={Imei}&supi={Sim}&supi={Sim}", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supi" },
        { $"?pei={Imei}&supported-features=xyz", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supported-features" },
        { $"?pei={Imei}&supported-features=1&supported-features=2", 400, "OPTIONAL_QUERY_PARAM_INCORRECT", "query supported-features" },
        // well-formed identifiers
        { $"?pei={Imei}&supi={Sim}", 200, "", "" },
        { $"?pei={Imei}", 200, "", "" },
        { $"?pei=imeisv-4901542032375101&supi={Sim}", 200, "", "" },
        { $"?pei={Imei}&supi={Sim}&gpsi=msisdn-994501234567", 200, "", "" },
        { $"?pei={Imei}&supi=nai-user%40example.com", 200, "", "" },
        { $"?pei={Imei}&supi=gci-abc", 200, "", "" },
        { $"?pei={Imei}&supi={Sim}&gpsi=extid-user%40example.com", 200, "", "" },
        { $"?pei={Imei}&supi={Sim}&supported-features=", 200, "", "" },
        { $"?pei={Imei}&supi={Sim}&supported-features=1aF0", 200, "", "" },
        { $"?p%65i={Imei}&supi=imsi%2D400011234567890", 200, "", "" },
        // PEIs of kinds this registry of IMEIs cannot hold
        { "?pei=mac-00-11-22-AA-bb-55", 404, "ERROR_EQUIPMENT_UNKNOWN", "" },
        { "?pei=mac-00-11-22-33-44-55-untrusted", 404, "ERROR_EQUIPMENT_UNKNOWN", "" },
        { "?pei=eui-00-11-22-33-44-55-66-77", 404, "ERROR_EQUIPMENT_UNKNOWN", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_query_parser_gives_each_case_its_answer(string query, int status, string cause, string invalidParams)
    {
        var ok = EirQueryString.TryRead(query, out var parsed, out var isImei, out var error);
        switch (status)
        {
            case 400:
                Assert.False(ok);
                Assert.Equal(cause, error!.Cause);
                Assert.Equal(invalidParams, string.Join(',', error.InvalidParams.Select(p => p.Param)));
                Assert.All(error.InvalidParams, p => Assert.False(string.IsNullOrEmpty(p.Reason)));
                break;
            case 404:
                Assert.True(ok);
                Assert.False(isImei);
                break;
            default:
                Assert.True(ok, error?.Detail);
                Assert.True(isImei);
                Assert.Equal(Clone, parsed.ImeiKey);
                break;
        }
    }

    [Fact]
    public void A_supi_or_gpsi_of_another_kind_is_no_imsi_or_msisdn()
    {
        Assert.True(EirQueryString.TryRead($"?pei={Imei}&supi=nai-a%40b&gpsi=extid-a%40b", out var parsed, out _, out _));
        Assert.Null(parsed.Imsi);
        Assert.Null(parsed.Msisdn);
        Assert.True(EirQueryString.TryRead($"?pei={Imei}&supi={Sim}&gpsi=msisdn-994501234567", out parsed, out _, out _));
        Assert.Equal("400011234567890", parsed.Imsi);
        Assert.Equal("994501234567", parsed.Msisdn);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_case_is_answered_as_the_table_says_with_bodies_the_3gpp_schemas_accept(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await Sql.CloneAsync(db, Clone, "400011234567890");
        await using var host = await EirTestHost.StartAsync(db);

        var failures = new List<string>();
        foreach (var row in Cases)
        {
            var (query, status, cause, invalidParams) = ((string)row[0], (int)row[1], (string)row[2], (string)row[3]);
            using var response = await host.Client.GetAsync(Path + query);
            var body = await response.Content.ReadAsStringAsync();
            var problems = Conformance(response, body, status, cause, invalidParams);
            if (status == 400 && !body.Contains($"\"instance\":{JsonSerializer.Serialize(Path + query)}", StringComparison.Ordinal))
            {
                problems.Add("instance is not the path and query");
            }

            if (problems.Count > 0)
            {
                failures.Add($"{query}: {string.Join("; ", problems)} — got {(int)response.StatusCode} {response.Content.Headers.ContentType} {body}");
            }
        }

        // Errors around the endpoint: no credential, an over-long URI, no such resource, no such method. TS 29.500
        // Table 5.2.7.2-1 has no cause for 401, 405, 406 or 414: none is sent.
        using var anonymous = host.App.GetTestClient();
        await Expect(anonymous.GetAsync($"{Path}?pei={Imei}"), 401, null);
        await Expect(host.Client.GetAsync($"{Path}?pei={Imei}&supi={Sim}&gpsi=msisdn-{new string('9', 20_000)}"), 414, null);
        await Expect(host.Client.GetAsync("/n5g-eir-eic/v1/nothing-here"), 404, "RESOURCE_URI_STRUCTURE_NOT_FOUND");
        await Expect(host.Client.DeleteAsync($"{Path}?pei={Imei}"), 405, null);

        // Accept: a success answer the client cannot take is 406; an error is problem+json whatever Accept says.
        foreach (var (accept, query, status, cause) in new[]
        {
            ("text/html", $"?pei={Imei}&supi={Sim}", 406, null),
            ("application/xml, text/plain", $"?pei={Imei}&supi={Sim}", 406, null),
            ("application/problem+json", $"?pei={Imei}&supi={Sim}", 406, null),
            ("application/json;q=0, text/html", $"?pei={Imei}&supi={Sim}", 406, null),
            ("text/html", "?pei=imei-1", 400, "MANDATORY_QUERY_PARAM_INCORRECT"),
            ("text/html", "?pei=mac-00-11-22-AA-bb-55", 404, "ERROR_EQUIPMENT_UNKNOWN"),
            ("*/*", $"?pei={Imei}&supi={Sim}", 200, null),
            ("text/html, application/*;q=0.1", $"?pei={Imei}&supi={Sim}", 200, null),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Path + query);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            await Expect(host.Client.SendAsync(request), status, cause, $"Accept {accept}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        async Task Expect(Task<HttpResponseMessage> send, int status, string? cause, string? what = null)
        {
            using var response = await send;
            var body = await response.Content.ReadAsStringAsync();
            var problems = Conformance(response, body, status, cause ?? string.Empty, status == 400 ? "query pei" : string.Empty, checkCause: cause is not null);
            if (status >= 400 && cause is null && body.Contains("\"cause\"", StringComparison.Ordinal))
            {
                problems.Add("a cause where the table has none");
            }

            if (what is not null && problems.Count > 0)
            {
                problems.Insert(0, what);
            }
            if (problems.Count > 0)
            {
                failures.Add($"{status}: {string.Join("; ", problems)} — got {(int)response.StatusCode} {response.Content.Headers.ContentType} {body}");
            }
        }
    }

    [Fact]
    public async Task Errors_before_and_after_the_endpoint_are_problem_details_over_kestrel()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<KestrelServerOptions>(EirProtocolMiddleware.ConfigureKestrel);
        await using var app = builder.Build();
        app.UseEirProtocol();
        app.MapGet(Path, () => Results.Text("{\"status\":\"WHITELISTED\"}", "application/json"));
        app.MapGet(EirEndpoints.ApiRoot + "/fails", IResult () => throw new InvalidOperationException("boom"));
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());

        // A 20,000-character URI reaches the EIR (Kestrel's own limit is raised) and gets its 414.
        var (status, contentType, body) = await RawGetAsync(address, $"{Path}?pei={Imei}&gpsi={new string('9', 20_000)}");
        Assert.Equal(414, status);
        Assert.Equal("application/problem+json", contentType);
        AssertProblem(body, 414, null);

        // Requests Kestrel cannot parse never reach the middleware: Kestrel's bodiless answer becomes a ProblemDetails.
        foreach (var (raw, expected, cause) in new[]
        {
            ("GARBAGE\r\n\r\n", 400, "INVALID_MSG_FORMAT"),
            ($"GET {Path}?pei=imei 1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "INVALID_MSG_FORMAT"),
            ($"GET {Path}?pei={Imei} HTTP/1.1\r\n\r\n", 400, "INVALID_MSG_FORMAT"),
            ($"GET {Path}?pei={Imei} HTTP/1.7\r\nHost: x\r\n\r\n", 505, null),
        })
        {
            (status, contentType, body) = await RawAsync(address, raw);
            Assert.Equal(expected, status);
            Assert.Equal("application/problem+json", contentType);
            AssertProblem(body, expected, cause);
        }

        (status, contentType, body) = await RawGetAsync(address, EirEndpoints.ApiRoot + "/fails");
        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", contentType);
        AssertProblem(body, 500, "SYSTEM_FAILURE");

        (status, _, _) = await RawGetAsync(address, $"{Path}?pei={Imei}");
        Assert.Equal(200, status);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_long_uri_over_h2c_gets_the_eirs_414()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<KestrelServerOptions>(EirProtocolMiddleware.RaiseRequestLineLimit);
        await using var app = builder.Build();
        app.UseEirProtocol();
        app.MapGet(Path, () => Results.Text("{\"status\":\"WHITELISTED\"}", "application/json"));
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());

        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var ok = await client.GetAsync(new Uri(address, $"{Path}?pei={Imei}"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpVersion.Version20, ok.Version);
        using var tooLong = await client.GetAsync(new Uri(address, $"{Path}?pei={Imei}&gpsi={new string('9', 20_000)}"));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        Assert.Equal("application/problem+json", tooLong.Content.Headers.ContentType?.MediaType);
        AssertProblem(await tooLong.Content.ReadAsStringAsync(), 414, null);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_index_loading_answer_is_503_nf_congestion_with_retry_after()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = Path;
        context.Response.Body = new MemoryStream();
        await EirEndpoints.WriteNotReadyAsync(context);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        AssertProblem(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()), 503, "NF_CONGESTION");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("application/json", true)]
    [InlineData("*/*", true)]
    [InlineData("application/*", true)]
    [InlineData("Application/JSON", true)]
    [InlineData("text/html, application/json;q=0.5", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/json;q=0.001", true)]
    [InlineData("text/html", false)]
    [InlineData("application/problem+json", false)]
    [InlineData("application/json;q=0", false)]
    [InlineData("application/json; q=0.0, text/plain", false)]
    [InlineData("application/jsonx, text/*", false)]
    [InlineData("", true)]
    public void An_accept_header_admits_the_json_answer_only_with_a_matching_range_and_q_above_zero(string? accept, bool admits) =>
        Assert.Equal(admits, EirProtocolMiddleware.AcceptsJson(accept is null ? default : new Microsoft.Extensions.Primitives.StringValues(accept)));

    [Fact]
    public void Only_kestrels_own_error_answers_are_rewritten_as_problem_details()
    {
        var kestrel400 = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Tue, 01 Dec 2026 15:52:08 GMT\r\nServer: Kestrel\r\n\r\n"u8;
        var replaced = Encoding.ASCII.GetString(KestrelErrorResponses.Replacement(kestrel400)!);
        var head = replaced[..replaced.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var body = replaced[(head.Length + 4)..];
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close", head, StringComparison.Ordinal);
        Assert.Contains("\r\nDate: Tue, 01 Dec 2026 15:52:08 GMT", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length: 0", head, StringComparison.Ordinal);
        AssertProblem(body, 400, "INVALID_MSG_FORMAT");

        var http1OnHttp2 = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 56\r\n\r\nAn HTTP/1.x request was sent to an HTTP/2 only endpoint."u8;
        replaced = Encoding.ASCII.GetString(KestrelErrorResponses.Replacement(http1OnHttp2)!);
        Assert.DoesNotContain("text/plain", replaced, StringComparison.Ordinal);
        AssertProblem(replaced[(replaced.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..], 400, "INVALID_MSG_FORMAT");

        // The application's own answers pass untouched: a success, an error with a body, one that keeps the connection.
        Assert.Null(KestrelErrorResponses.Replacement("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8));
        Assert.Null(KestrelErrorResponses.Replacement("HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8));
        Assert.Null(KestrelErrorResponses.Replacement("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8));
        Assert.Null(KestrelErrorResponses.Replacement("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n"u8));
    }

    [Fact]
    public async Task The_failed_credential_limit_answers_429_with_the_tables_429_cause()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await EirTestHost.StartAsync(db, new Dictionary<string, string?> { ["Eir:MaxFailedAuthenticationsPerMinute"] = "1" });
        HttpContext? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var context = await host.App.GetTestServer().SendAsync(c =>
            {
                c.Request.Method = HttpMethods.Get;
                c.Request.Path = Path;
                c.Request.QueryString = new QueryString($"?pei={Imei}");
                c.Request.Headers.Authorization = $"Bearer eir_{host.OperatorId}_{new string('A', 43)}";
                c.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.66");
            });
            refused = context.Response.StatusCode == StatusCodes.Status429TooManyRequests ? context : null;
        }

        Assert.NotNull(refused);
        Assert.Equal("application/problem+json", refused.Response.ContentType);
        using var reader = new StreamReader(refused.Response.Body);
        AssertProblem(await reader.ReadToEndAsync(), 429, "NF_CONGESTION_RISK");
    }

    [Fact]
    public void The_schema_check_refuses_bodies_the_3gpp_schema_refuses()
    {
        using var wrong = JsonDocument.Parse("""{"status":"400","cause":1,"invalidParams":[],"extra":true}""");
        var errors = ThreeGppSchema.Validate(wrong.RootElement, ThreeGppSchema.ProblemDetails);
        Assert.Contains(errors, e => e.Contains("$.status", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.cause", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("fewer than 1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("extra", StringComparison.Ordinal));
        using var noParam = JsonDocument.Parse("""{"invalidParams":[{"reason":"x"}]}""");
        Assert.Contains(ThreeGppSchema.Validate(noParam.RootElement, ThreeGppSchema.ProblemDetails), e => e.Contains("param is missing", StringComparison.Ordinal));
    }

    private static void AssertProblem(string body, int status, string? cause)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Empty(ThreeGppSchema.Validate(json.RootElement, ThreeGppSchema.ProblemDetails));
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(cause, json.RootElement.TryGetProperty("cause", out var c) ? c.GetString() : null);
    }

    internal static List<string> Conformance(HttpResponseMessage response, string body, int status, string cause, string invalidParams, bool checkCause = true)
    {
        var problems = new List<string>();
        if ((int)response.StatusCode != status)
        {
            problems.Add($"expected {status}");
            return problems;
        }

        var (mediaType, schema) = ThreeGppSchema.ResponseOf(status);
        if (response.Content.Headers.ContentType?.MediaType != mediaType)
        {
            problems.Add($"expected {mediaType}");
        }

        using var json = JsonDocument.Parse(body);
        problems.AddRange(ThreeGppSchema.Validate(json.RootElement, schema));
        if (status == 200)
        {
            return problems;
        }

        var root = json.RootElement;
        if (root.GetProperty("status").GetInt32() != status || root.GetProperty("title").GetString() is not { Length: > 0 } || root.GetProperty("detail").GetString() is not { Length: > 0 })
        {
            problems.Add("status, title or detail wrong");
        }

        if (checkCause && (root.TryGetProperty("cause", out var c) ? c.GetString() : null) != cause)
        {
            problems.Add($"expected cause {cause}");
        }

        var names = root.TryGetProperty("invalidParams", out var ps) ? string.Join(',', ps.EnumerateArray().Select(p => p.GetProperty("param").GetString())) : string.Empty;
        if (names != invalidParams)
        {
            problems.Add($"expected invalidParams [{invalidParams}]");
        }

        return problems;
    }

    private static Task<(int Status, string? ContentType, string Body)> RawGetAsync(Uri address, string target) =>
        RawAsync(address, $"GET {target} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n");

    /// <summary>Sends the bytes as they are and reads the answer until the server closes the connection.</summary>
    private static async Task<(int Status, string? ContentType, string Body)> RawAsync(Uri address, string raw)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        var request = Encoding.ASCII.GetBytes(raw);
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var head = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = lines.FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Trim().Split(';')[0];
        var body = text[(head.Length + 4)..];
        if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            var decoded = new StringBuilder();
            var rest = body.AsSpan();
            while (true)
            {
                var lineEnd = rest.IndexOf("\r\n");
                var size = int.Parse(rest[..lineEnd], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    break;
                }

                decoded.Append(rest.Slice(lineEnd + 2, size));
                rest = rest[(lineEnd + 2 + size + 2)..];
            }

            body = decoded.ToString();
        }

        return (status, contentType, body);
    }
}
