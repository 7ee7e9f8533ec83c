using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Web;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// The EIR over HTTP/2 as a 5G core's NFs call it: cleartext HTTP/2 with prior knowledge (h2c) on the host's SBA
/// listener (Eir:SbaListen, here a free port), with an operator credential; HTTP/1.1 on the main listener unchanged.
/// </summary>
public sealed class EirHttp2Tests
{
    private const string Imsi = "400011111111111";
    private static readonly string Pei = "imei-" + new Imei(long.Parse("35891110654321", CultureInfo.InvariantCulture)).WithCheckDigit;
    private static readonly string Query = $"n5g-eir-eic/v1/equipment-status?pei={Pei}&supi=imsi-{Imsi}";

    private static async Task<(RegistryWebFactory Web, Uri Main, Uri Sba, string Secret)> StartAsync(DatabaseProvider provider)
    {
        var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" });
        var added = await Cli.RunAsync(web.Database, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        var logs = new CapturedLogs();
        web.Logs = logs;
        var main = web.StartKestrel();
        var sba = web.SbaAddress;
        Assert.NotNull(sba);
        Assert.NotEqual(main.Port, sba.Port);
        var banner = Assert.Single(logs.Lines, l => l.Contains("EIR SBA listener", StringComparison.Ordinal));
        Assert.Contains($"(HTTP/2 only, h2c prior knowledge) is on {sba.ToString().TrimEnd('/')}:", banner, StringComparison.Ordinal);
        return (web, main, new Uri(sba.ToString().TrimEnd('/') + "/"), secret);
    }

    private static HttpClient Client(Uri root, Version version, string? secret)
    {
        var client = new HttpClient
        {
            BaseAddress = root,
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        return client;
    }

    private static async Task<(ExternalToolResult Result, string Out)> RunToolAsync(string tool, params string[] args)
    {
        var result = await ExternalTool.RunAsync(tool, args, ".ci/run installs it (Debian: curl, nghttp2-client)", TimeSpan.FromSeconds(60));
        return (result, result.Out);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task H2c_prior_knowledge_on_the_sba_listener_gets_the_eir_answer_and_http11_stays_on_the_main_listener(DatabaseProvider provider)
    {
        var (web, main, sba, secret) = await StartAsync(provider);
        await using var _ = web;

        using var h2 = Client(sba, HttpVersion.Version20, secret);
        using (var response = await h2.GetAsync(new Uri(Query, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("GREYLISTED", body.RootElement.GetProperty("status").GetString());
        }

        // Without a credential the SBA listener answers as the main one does.
        using (var anonymous = Client(sba, HttpVersion.Version20, secret: null))
        using (var response = await anonymous.GetAsync(new Uri(Query, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Only the EIR is on the SBA listener: the pages, the public API and health are 404 problem+json there.
        foreach (var path in new[] { "", "backoffice", "api/v1/imei/353325101234560", "health/ready", "openapi/v1.json" })
        {
            using var response = await h2.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("RESOURCE_URI_STRUCTURE_NOT_FOUND", body.RootElement.GetProperty("cause").GetString());
        }

        // HTTP/1.1 on the main listener: the EIR and the pages as before.
        using var h1 = Client(main, HttpVersion.Version11, secret);
        using (var response = await h1.GetAsync(new Uri(Query, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version11, response.Version);
        }

        using (var response = await h1.GetAsync(new Uri("health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The SBA listener speaks HTTP/2 only.
        using var h1OnSba = Client(sba, HttpVersion.Version11, secret);
        using (var response = await h1OnSba.GetAsync(new Uri(Query, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Curl_and_h2load_speak_h2c_prior_knowledge_to_the_sba_listener()
    {
        var (web, _, sba, secret) = await StartAsync(DatabaseProvider.Sqlite);
        await using var __ = web;
        var url = new Uri(sba, Query).ToString();

        var (curl, body) = await RunToolAsync("curl", "--silent", "--show-error", "--http2-prior-knowledge",
            "--header", "Authorization: Bearer " + secret, "--write-out", "\n%{http_version} %{http_code}", url);
        Assert.True(curl.ExitCode == 0, curl.Error);
        var lines = body.Split('\n');
        Assert.Equal("2 200", lines[^1]);
        using (var json = JsonDocument.Parse(string.Join('\n', lines[..^1])))
        {
            Assert.Equal("GREYLISTED", json.RootElement.GetProperty("status").GetString());
        }

        // A short bounded load: 2,000 checks on 4 connections, every one answered 200.
        var (h2load, report) = await RunToolAsync("h2load", "-n", "2000", "-c", "4", "-m", "10",
            "-H", "Authorization: Bearer " + secret, url);
        Assert.True(h2load.ExitCode == 0, h2load.Error + report);
        Assert.Contains("2000 succeeded, 0 failed, 0 errored", report, StringComparison.Ordinal);
        Assert.Contains("status codes: 2000 2xx", report, StringComparison.Ordinal);
        Assert.Contains("h2c", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_sba_listen_setting_means_no_sba_listener()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:SbaListen"] = "",
        });
        var main = web.StartKestrel();
        Assert.Null(web.SbaAddress);
        using var client = Client(main, HttpVersion.Version11, secret: null);
        using var response = await client.GetAsync(new Uri("health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("5081")]
    [InlineData("ftp://127.0.0.1:5081")]
    [InlineData("http://eir.example:5081")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:70000")]
    [InlineData("http://127.0.0.1:5081/n5g-eir-eic")]
    public void A_bad_sba_listen_address_is_refused_naming_the_key(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Eir:SbaListen"] = value }).Build();
        var error = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section));
        Assert.Contains($"Eir:SbaListen is '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1:5081", null, null, "Eir:SbaListen 'https://127.0.0.1:5081' is https: give the server certificate in Eir:SbaCertificatePath")]
    [InlineData("https://127.0.0.1:5081", "/nonexistent/eir.pfx", null, "Eir:SbaCertificatePath is '/nonexistent/eir.pfx'; no such file")]
    [InlineData("http://127.0.0.1:5081", null, "Require", "Eir:SbaCertificatePath and Eir:SbaClientCertificates need an https:// Eir:SbaListen")]
    public void Tls_settings_are_checked_together(string listen, string? certificate, string? clientCertificates, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eir:SbaListen"] = listen,
            ["Eir:SbaCertificatePath"] = certificate,
            ["Eir:SbaClientCertificates"] = clientCertificates,
        }.Where(pair => pair.Value is not null)).Build();
        var error = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, "127.0.0.1", 5081)]
    [InlineData(null, true, null, 0)]
    [InlineData("", false, null, 0)]
    [InlineData("http://0.0.0.0:0", true, "0.0.0.0", 0)]
    [InlineData("http://[::1]:5081/", false, "::1", 5081)]
    [InlineData("http://*:15081", false, "*", 15081)]
    [InlineData("http://localhost:5081", false, "localhost", 5081)]
    public void The_sba_endpoint_follows_the_setting_and_kestrel_endpoints(string? value, bool kestrelEndpoints, string? host, int port)
    {
        var endpoint = new EirSettings { SbaListen = value }.SbaEndpoint(kestrelEndpoints);
        Assert.Equal(host, endpoint?.Host);
        Assert.Equal(port, endpoint?.Port ?? 0);
    }
}
