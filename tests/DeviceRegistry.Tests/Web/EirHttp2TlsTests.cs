using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Tests.Web;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// The SBA listener over TLS (Eir:SbaListen https://, ALPN h2) with mutual TLS: the NF's client certificate must be
/// issued by the configured authority. The test makes its own authority, server and client certificates.
/// </summary>
public sealed class EirHttp2TlsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("devreg-sba-tls-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static X509Certificate2 Issue(string subject, X509Certificate2? issuer, bool authority, string? usage, bool ipSan)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(authority, false, 0, true));
        if (usage is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        }

        if (ipSan)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var certificate = issuer is null
            ? request.CreateSelfSigned(notBefore, notBefore.AddDays(1))
            // An issued certificate may not outlive its issuer (made a moment earlier).
            : request.Create(issuer, notBefore, new DateTimeOffset(issuer.NotAfter.ToUniversalTime()).AddMinutes(-1), RandomNumberGenerator.GetBytes(8)).CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12, "pw"), "pw");
    }

    [Fact]
    public async Task Http2_over_tls_with_a_client_certificate_from_the_authority_gets_the_eir_answer()
    {
        using var authority = Issue("CN=Operators' NF authority", null, authority: true, usage: null, ipSan: false);
        using var server = Issue("CN=eir.test", authority, authority: false, usage: "1.3.6.1.5.5.7.3.1", ipSan: true);
        using var client = Issue("CN=amf.operator.test", authority, authority: false, usage: "1.3.6.1.5.5.7.3.2", ipSan: false);
        using var stranger = Issue("CN=someone else", null, authority: false, usage: "1.3.6.1.5.5.7.3.2", ipSan: false);
        var serverPfx = Path.Combine(folder, "server.pfx");
        await File.WriteAllBytesAsync(serverPfx, server.Export(X509ContentType.Pkcs12, "secret"));
        var authorityPem = Path.Combine(folder, "authority.pem");
        await File.WriteAllTextAsync(authorityPem, authority.ExportCertificatePem());

        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:SbaListen"] = "https://127.0.0.1:0",
            ["Eir:SbaCertificatePath"] = serverPfx,
            ["Eir:SbaCertificatePassword"] = "secret",
            ["Eir:SbaClientCertificates"] = "Require",
            ["Eir:SbaClientCertificateAuthorityPath"] = authorityPem,
        });
        var added = await Cli.RunAsync(web.Database, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        var logs = new CapturedLogs();
        web.Logs = logs;
        web.StartKestrel();
        var sba = web.SbaAddress!;
        Assert.Equal("https", sba.Scheme);
        // the start-up banner names the listener's protocol as it is: TLS, not h2c
        var banner = Assert.Single(logs.Lines, l => l.Contains("EIR SBA listener", StringComparison.Ordinal));
        Assert.Contains("(HTTP/2 only, h2 over TLS by ALPN) is on https://127.0.0.1:", banner, StringComparison.Ordinal);
        var pei = "imei-" + new Imei(long.Parse("35891110654321", CultureInfo.InvariantCulture)).WithCheckDigit;
        var url = new Uri(sba, $"/n5g-eir-eic/v1/equipment-status?pei={pei}&supi=imsi-400011111111111");

        HttpClient Client(X509Certificate2? certificate)
        {
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString() == server.GetCertHashString();
            if (certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [certificate];
            }

            var http = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            return http;
        }

        using (var nf = Client(client))
        using (var response = await nf.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("GREYLISTED", body.RootElement.GetProperty("status").GetString());
        }

        // No client certificate, or one from another authority: the handshake fails.
        using (var anonymous = Client(null))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync(url));
        }

        using (var other = Client(stranger))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => other.GetAsync(url));
        }

        // curl negotiates h2 by ALPN, checks the server against the authority and presents the NF's certificate.
        var clientPem = Path.Combine(folder, "client.pem");
        var clientKey = Path.Combine(folder, "client.key");
        await File.WriteAllTextAsync(clientPem, client.ExportCertificatePem());
        await File.WriteAllTextAsync(clientKey, client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--silent", "--show-error", "--http2", "--cacert", authorityPem, "--cert", clientPem, "--key", clientKey,
            "--header", "Authorization: Bearer " + secret, "--write-out", "\n%{http_version} %{http_code}", url.ToString(),
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, error);
        Assert.EndsWith("\n2 200", output, StringComparison.Ordinal);
    }
}
