using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Operators;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using static DeviceRegistry.Tests.Eir.EirDecisionTests;

namespace DeviceRegistry.Tests.Eir;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// An NRF's signing keys and tokens made here, independently of the EIR's code: RSA (kid rsa-1) and EC P-256
/// (kid ec-1) keys in a JWKS file, one more RSA key as a PEM file (no kid), and a stranger's key the EIR does not know.
/// Tokens are compact JWS built by hand (header.payload.signature, base64url) and signed with .NET's RSA and ECDsa.
/// </summary>
public sealed class NrfTokenKit : IDisposable
{
    public const string Issuer = "5a7b3c1d-2e4f-4a6b-8c9d-0e1f2a3b4c5d";
    public const string EirInstance = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
    public const string Amf = "0c2a4e6f-8b1d-4f3a-9c5e-7a9b1d3f5e70";
    public const string UnmappedAmf = "11111111-2222-4333-8444-555555555555";

    private readonly string folder = Directory.CreateTempSubdirectory("nrf-keys-").FullName;

    public NrfTokenKit()
    {
        var rsa = Rsa.ExportParameters(false);
        var ec = Ec.ExportParameters(false);
        var jwks = new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = "rsa-1", use = "sig", alg = "RS256", n = B64(rsa.Modulus!), e = B64(rsa.Exponent!) },
                new { kty = "EC", kid = "ec-1", use = "sig", crv = "P-256", x = B64(ec.Q.X!), y = B64(ec.Q.Y!) },
            },
        };
        JwksPath = Path.Combine(folder, "nrf.jwks.json");
        File.WriteAllText(JwksPath, JsonSerializer.Serialize(jwks));
        PemPath = Path.Combine(folder, "nrf-public.pem");
        File.WriteAllText(PemPath, Pem.ExportSubjectPublicKeyInfoPem());
    }

    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RSA Pem { get; } = RSA.Create(2048);

    public RSA Stranger { get; } = RSA.Create(2048);

    public string JwksPath { get; }

    public string PemPath { get; }

    public string Folder => folder;

    /// <summary>Eir:Nrf as an operator's engineer would write it: the AMF by instance id, PLMN 400-04 to Bakcell.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Eir:Nrf:Issuer"] = Issuer,
        ["Eir:Nrf:Audiences:0"] = "5G_EIR",
        ["Eir:Nrf:Audiences:1"] = EirInstance,
        ["Eir:Nrf:JwksFile"] = JwksPath,
        ["Eir:Nrf:PublicKeyFiles:0"] = PemPath,
        [$"Eir:Nrf:Consumers:{Amf}"] = "Azercell",
        ["Registry:Networks:40004"] = "Bakcell",
        ["Registry:Networks:40099"] = "Nobody",
    };

    /// <summary>TS 29.510 AccessTokenClaims of a valid token for the AMF, an hour long from <paramref name="now"/>.</summary>
    public static Dictionary<string, object?> Claims(DateTimeOffset now) => new()
    {
        ["iss"] = Issuer,
        ["sub"] = Amf,
        ["aud"] = "5G_EIR",
        ["scope"] = "n5g-eir-eic",
        ["exp"] = now.ToUnixTimeSeconds() + 3600,
        ["iat"] = now.ToUnixTimeSeconds(),
    };

    public string Rs256(Dictionary<string, object?> claims, string? kid = "rsa-1", RSA? key = null) =>
        Sign(new Dictionary<string, object?> { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid }, claims,
            data => (key ?? Rsa).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public string Es256(Dictionary<string, object?> claims, string? kid = "ec-1") =>
        Sign(new Dictionary<string, object?> { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = kid }, claims,
            data => Ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public static string AlgNone(Dictionary<string, object?> claims) =>
        Sign(new Dictionary<string, object?> { ["alg"] = "none", ["typ"] = "JWT" }, claims, _ => []);

    private static string Sign(Dictionary<string, object?> header, Dictionary<string, object?> claims, Func<byte[], byte[]> sign)
    {
        if (header.TryGetValue("kid", out var kid) && kid is null)
        {
            header.Remove("kid");
        }

        var signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signingInput + "." + B64(sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
        Pem.Dispose();
        Stranger.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class NrfAccessTokenTests
{
    private const long NewDevice = 35100000000031;
    private const long OtherDevice = 35100000000049;
    private const string HomeSim = "400011234567890";
    private const string OtherSim = "400041234567890";
    private const string Path = "/n5g-eir-eic/v1/equipment-status";

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string? authorization, string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Path + query)
        {
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return client.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_accepted_token_is_answered_and_its_check_recorded_for_the_mapped_operator(DatabaseProvider provider)
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var bakcell = await Cli.RunAsync(db, "operator", "add", "Bakcell");
        Assert.True(bakcell.ExitCode == 0, bakcell.Error);
        await using var host = await EirTestHost.StartAsync(db, kit.Settings());
        await using var context = db.CreateContext();
        var bakcellId = context.Operators.Single(o => o.Name == "Bakcell").Id;
        using var client = host.App.GetTestClient();

        // The AMF, mapped by its NF instance id, with an RS256 token; the same token again (from the cache).
        var amfToken = kit.Rs256(NrfTokenKit.Claims(EirTestHost.Now));
        foreach (var _ in new[] { 1, 2 })
        {
            using var response = await SendAsync(client, "Bearer " + amfToken, $"?pei={Pei(NewDevice)}&supi={Supi(HomeSim)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{\"status\":\"GREYLISTED\"}", await response.Content.ReadAsStringAsync());
        }

        // An NF of PLMN 400-04 whose instance id is not listed, with an ES256 token: attributed to Bakcell.
        var plmnClaims = NrfTokenKit.Claims(EirTestHost.Now);
        plmnClaims["sub"] = NrfTokenKit.UnmappedAmf;
        plmnClaims["consumerPlmnId"] = new Dictionary<string, string> { ["mcc"] = "400", ["mnc"] = "04" };
        using (var response = await SendAsync(client, "Bearer " + kit.Es256(plmnClaims), $"?pei={Pei(OtherDevice)}&supi={Supi(OtherSim)}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var rows = await EirSightingAndIndexTests.WaitForRowsAsync(db, $"SELECT imei, imsi, operator_id FROM sightings WHERE imei IN ({NewDevice}, {OtherDevice}) ORDER BY imei", 2);
        Assert.Equal([NewDevice.ToString(), HomeSim, host.OperatorId.ToString()], rows[0].Select(Sql.Text));
        Assert.Equal([OtherDevice.ToString(), OtherSim, bakcellId.ToString()], rows[1].Select(Sql.Text));
    }

    public static TheoryData<string, int, string?, string> Refusals => new()
    {
        // name, status, WWW-Authenticate error attribute (null: none), words the detail must hold
        { "no credential", 401, null, "credential is required" },
        { "wrong issuer", 401, "invalid_token", "issued" },
        { "wrong audience", 401, "invalid_token", "aud" },
        { "expired beyond the skew", 401, "invalid_token", "expired" },
        { "not yet valid beyond the skew", 401, "invalid_token", "nbf" },
        { "no exp", 401, "invalid_token", "exp" },
        { "signed by a stranger's key under kid rsa-1", 401, "invalid_token", "signature" },
        { "payload changed after signing", 401, "invalid_token", "signature" },
        { "unknown kid", 401, "invalid_token", "key id" },
        { "alg none", 401, "invalid_token", "alg none" },
        { "HS256 signed with the RSA modulus", 401, "invalid_token", "not" },
        { "three parts that are no JWT", 401, "invalid_token", "well-formed" },
        { "a bad operator secret", 401, "invalid_token", "operator credential is not valid" },
        { "scope of another service", 403, "insufficient_scope", "n5g-eir-eic" },
        { "scope missing", 403, "insufficient_scope", "n5g-eir-eic" },
        { "unknown consumer", 403, null, "not mapped" },
        { "consumer mapped to an operator the registry lacks", 403, null, "does not know" },
        { "instance id and PLMN mapped to different operators", 403, null, "different operators" },
    };

    private static string? Authorization(NrfTokenKit kit, string name)
    {
        var claims = NrfTokenKit.Claims(EirTestHost.Now);
        var now = EirTestHost.Now.ToUnixTimeSeconds();
        switch (name)
        {
            case "no credential":
                return null;
            case "wrong issuer":
                claims["iss"] = "00000000-0000-4000-8000-000000000000";
                break;
            case "wrong audience":
                claims["aud"] = "5G_UDM";
                break;
            case "expired beyond the skew":
                claims["exp"] = now - 61;
                break;
            case "not yet valid beyond the skew":
                claims["nbf"] = now + 61;
                break;
            case "no exp":
                claims.Remove("exp");
                break;
            case "signed by a stranger's key under kid rsa-1":
                return "Bearer " + kit.Rs256(claims, key: kit.Stranger);
            case "payload changed after signing":
                var parts = kit.Rs256(claims).Split('.');
                claims["sub"] = NrfTokenKit.UnmappedAmf;
                return $"Bearer {parts[0]}.{NrfTokenKit.B64(JsonSerializer.SerializeToUtf8Bytes(claims))}.{parts[2]}";
            case "unknown kid":
                return "Bearer " + kit.Rs256(claims, kid: "rsa-9", key: kit.Stranger);
            case "alg none":
                return "Bearer " + NrfTokenKit.AlgNone(claims);
            case "HS256 signed with the RSA modulus":
                var header = NrfTokenKit.B64(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}"));
                var input = header + "." + NrfTokenKit.B64(JsonSerializer.SerializeToUtf8Bytes(claims));
                var mac = HMACSHA256.HashData(kit.Rsa.ExportParameters(false).Modulus!, Encoding.ASCII.GetBytes(input));
                return $"Bearer {input}.{NrfTokenKit.B64(mac)}";
            case "three parts that are no JWT":
                return "Bearer abc.def.ghi";
            case "a bad operator secret":
                return "Bearer eir_1_not-the-secret";
            case "scope of another service":
                claims["scope"] = "nudm-sdm n5g-eir-eicx";
                break;
            case "scope missing":
                claims.Remove("scope");
                break;
            case "unknown consumer":
                claims["sub"] = NrfTokenKit.UnmappedAmf;
                claims["consumerPlmnId"] = new Dictionary<string, string> { ["mcc"] = "400", ["mnc"] = "05" };
                break;
            case "consumer mapped to an operator the registry lacks":
                claims["sub"] = NrfTokenKit.UnmappedAmf;
                claims["consumerPlmnId"] = new Dictionary<string, string> { ["mcc"] = "400", ["mnc"] = "99" };
                break;
            case "instance id and PLMN mapped to different operators":
                claims["consumerPlmnId"] = new Dictionary<string, string> { ["mcc"] = "400", ["mnc"] = "04" };
                break;
            default:
                throw new ArgumentException(name);
        }

        return "Bearer " + kit.Rs256(claims);
    }

    [Fact]
    public async Task Each_bad_token_gets_its_rfc_6750_answer_as_3gpp_problem_details()
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Assert.Equal(0, (await Cli.RunAsync(db, "operator", "add", "Bakcell")).ExitCode);
        await using var host = await EirTestHost.StartAsync(db, kit.Settings());
        using var client = host.App.GetTestClient();
        var query = $"?pei={Pei(NewDevice)}&supi={Supi(HomeSim)}";

        var failures = new List<string>();
        foreach (var row in Refusals)
        {
            var (name, status, error, words) = ((string)row[0], (int)row[1], (string?)row[2], (string)row[3]);
            using var response = await SendAsync(client, Authorization(kit, name), query);
            var problems = await RefusalProblemsAsync(response, status, error, words);
            if (problems.Count > 0)
            {
                failures.Add($"{name}: {string.Join("; ", problems)} — got {(int)response.StatusCode} [{response.Headers.WwwAuthenticate}] {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Tokens_within_the_skew_other_audiences_and_keys_are_accepted_and_secrets_still_work()
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await EirTestHost.StartAsync(db, kit.Settings());
        using var client = host.App.GetTestClient();
        var query = $"?pei={Pei(NewDevice)}&supi={Supi(HomeSim)}";
        var now = EirTestHost.Now.ToUnixTimeSeconds();

        var lateButWithinSkew = NrfTokenKit.Claims(EirTestHost.Now);
        lateButWithinSkew["exp"] = now - 30;
        lateButWithinSkew["nbf"] = now + 30;
        var toTheInstance = NrfTokenKit.Claims(EirTestHost.Now);
        toTheInstance["aud"] = new[] { "0e0e0e0e-0000-4000-8000-000000000001", NrfTokenKit.EirInstance };
        toTheInstance["scope"] = "nudm-sdm n5g-eir-eic";
        var upperCaseSub = NrfTokenKit.Claims(EirTestHost.Now);
        upperCaseSub["sub"] = NrfTokenKit.Amf.ToUpperInvariant();

        foreach (var (name, authorization) in new[]
        {
            ("expired and not yet valid within the 60 s skew", "Bearer " + kit.Rs256(lateButWithinSkew)),
            ("aud listing this EIR's instance id, two scopes", "Bearer " + kit.Es256(toTheInstance)),
            ("the PEM key, no kid", "Bearer " + kit.Rs256(NrfTokenKit.Claims(EirTestHost.Now), kid: null, key: kit.Pem)),
            ("the PEM key, a kid the JWKS lacks", "Bearer " + kit.Rs256(NrfTokenKit.Claims(EirTestHost.Now), kid: "nrf-2", key: kit.Pem)),
            ("the JWKS RSA key, no kid", "Bearer " + kit.Rs256(NrfTokenKit.Claims(EirTestHost.Now), kid: null)),
            ("sub in upper case", "Bearer " + kit.Rs256(upperCaseSub)),
            ("the operator secret", "Bearer " + host.Secret),
        })
        {
            using var response = await SendAsync(client, authorization, query);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Bad_tokens_count_as_failed_authentications_and_a_flood_is_answered_429()
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = kit.Settings();
        settings["Eir:MaxFailedAuthenticationsPerMinute"] = "3";
        await using var host = await EirTestHost.StartAsync(db, settings);
        using var client = host.App.GetTestClient();
        var forged = "Bearer " + kit.Rs256(NrfTokenKit.Claims(EirTestHost.Now), key: kit.Stranger);
        for (var i = 0; i <= 3; i++)
        {
            using var refused = await SendAsync(client, forged, $"?pei={Pei(NewDevice)}");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Past the limit the address is refused; a minute boundary may fall inside the loop above, so allow another window's worth.
        HttpResponseMessage? limited = null;
        for (var i = 0; i <= 4 && limited is null; i++)
        {
            var response = await SendAsync(client, forged, $"?pei={Pei(NewDevice)}");
            limited = response.StatusCode == (HttpStatusCode)429 ? response : null;
        }

        Assert.NotNull(limited);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_its_exp_and_the_skew_have_passed()
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        Assert.Equal(0, (await Cli.RunAsync(db, "operator", "add", "Azercell")).ExitCode);
        var clock = new MovableClock(EirTestHost.Now);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(kit.Settings()).Build();
        var eir = DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section);
        var registry = DeviceRegistry.Infrastructure.Settings.Read<DeviceRegistry.Infrastructure.RegistrySettings>(configuration, DeviceRegistry.Infrastructure.RegistrySettings.Section);
        var tokens = new NrfAccessTokens(eir, registry, clock, new OperatorAuthenticator(db.Database, clock, OperatorCredentialKey.Random()), NullLogger<NrfAccessTokens>.Instance);
        var claims = NrfTokenKit.Claims(EirTestHost.Now);
        claims["exp"] = EirTestHost.Now.ToUnixTimeSeconds() + 100;
        var token = kit.Rs256(claims);

        Assert.False(tokens.TryCached(token, out _));
        var first = await tokens.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(TokenOutcome.Accepted, first.Outcome);
        Assert.Equal("Azercell", first.Operator!.Name);
        Assert.True(tokens.TryCached(token, out var cached));
        Assert.Same(first.Operator, cached.Operator);

        clock.Now = EirTestHost.Now.AddSeconds(160);
        Assert.True(tokens.TryCached(token, out cached));
        Assert.Equal(TokenOutcome.Accepted, cached.Outcome);
        clock.Now = EirTestHost.Now.AddSeconds(161);
        Assert.True(tokens.TryCached(token, out cached));
        Assert.Equal(TokenOutcome.InvalidToken, cached.Outcome);
        Assert.False(tokens.TryCached(token, out _));
    }

    [Fact]
    public async Task Over_http11_and_over_h2c_on_the_sba_listener_tokens_get_the_same_answers()
    {
        using var kit = new NrfTokenKit();
        var settings = kit.Settings();
        settings["Jobs:Enabled"] = "false";
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, settings);
        Assert.Equal(0, (await Cli.RunAsync(web.Database, "operator", "add", "Azercell")).ExitCode);
        var main = web.StartKestrel();
        var sba = new Uri(web.SbaAddress!.ToString().TrimEnd('/') + "/");
        var now = DateTimeOffset.UtcNow;
        var good = "Bearer " + kit.Es256(NrfTokenKit.Claims(now));
        var noScope = NrfTokenKit.Claims(now);
        noScope["scope"] = "nudm-sdm";
        var query = $"?pei={Pei(NewDevice)}&supi={Supi(HomeSim)}";

        foreach (var (root, version) in new[] { (main, HttpVersion.Version11), (sba, HttpVersion.Version20) })
        {
            using var client = new HttpClient { BaseAddress = root, DefaultRequestVersion = version, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using (var ok = await SendAsync(client, good, query))
            {
                Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{version}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}");
                Assert.Equal(version, ok.Version);
            }

            using (var forbidden = await SendAsync(client, "Bearer " + kit.Rs256(noScope), query))
            {
                Assert.Empty(await RefusalProblemsAsync(forbidden, 403, "insufficient_scope", "n5g-eir-eic"));
            }

            using (var unauthorized = await SendAsync(client, "Bearer " + kit.Rs256(NrfTokenKit.Claims(now), key: kit.Stranger), query))
            {
                Assert.Empty(await RefusalProblemsAsync(unauthorized, 401, "invalid_token", "signature"));
            }
        }
    }

    [Fact]
    public void Only_three_base64url_parts_go_to_token_validation()
    {
        Assert.True(NrfAccessTokens.LooksLikeJwt("eyJh.eyJi.c2ln"));
        Assert.True(NrfAccessTokens.LooksLikeJwt("eyJh.eyJi."));
        Assert.False(NrfAccessTokens.LooksLikeJwt("eir_1_abcdefABCDEF-_"));
        Assert.False(NrfAccessTokens.LooksLikeJwt("a.b"));
        Assert.False(NrfAccessTokens.LooksLikeJwt("a.b.c.d"));
        Assert.False(NrfAccessTokens.LooksLikeJwt(".b.c"));
        Assert.False(NrfAccessTokens.LooksLikeJwt("a..c"));
        Assert.False(NrfAccessTokens.LooksLikeJwt("a.b+.c"));
        Assert.False(NrfAccessTokens.LooksLikeJwt("a.b=.c"));
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "issuer missing", "Eir:Nrf:Issuer is not set" },
        { "no key", "no signing key is" },
        { "jwks file missing", "Eir:Nrf:JwksFile: /nonexistent/nrf.jwks does not exist" },
        { "jwks not json", "is not a JSON Web Key Set" },
        { "jwks private key", "holds a private key" },
        { "jwks small rsa", "at least 2048 are needed" },
        { "pem private key", "Eir:Nrf:PublicKeyFiles:0" },
        { "consumer not a uuid", "Eir:Nrf:Consumers:amf-1: 'amf-1' is not an NF instance id" },
        { "no audience", "Eir:Nrf:Audiences must list at least one audience" },
        { "skew too large", "Eir:Nrf:ClockSkewSeconds is 3600" },
        { "unknown key", "Eir:Nrf:Issuers is not a setting" },
    };

    private static Dictionary<string, string?> Bad(NrfTokenKit kit, string name)
    {
        var settings = kit.Settings();
        var file = System.IO.Path.Combine(kit.Folder, name.Replace(' ', '-') + ".txt");
        switch (name)
        {
            case "issuer missing":
                settings.Remove("Eir:Nrf:Issuer");
                break;
            case "no key":
                settings.Remove("Eir:Nrf:JwksFile");
                settings.Remove("Eir:Nrf:PublicKeyFiles:0");
                break;
            case "jwks file missing":
                settings["Eir:Nrf:JwksFile"] = "/nonexistent/nrf.jwks";
                break;
            case "jwks not json":
                File.WriteAllText(file, "keys: []");
                settings["Eir:Nrf:JwksFile"] = file;
                break;
            case "jwks private key":
                var p = kit.Rsa.ExportParameters(true);
                File.WriteAllText(file, JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "k", n = NrfTokenKit.B64(p.Modulus!), e = NrfTokenKit.B64(p.Exponent!), d = NrfTokenKit.B64(p.D!) } } }));
                settings["Eir:Nrf:JwksFile"] = file;
                break;
            case "jwks small rsa":
                using (var small = RSA.Create(1024))
                {
                    var s = small.ExportParameters(false);
                    File.WriteAllText(file, JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "k", n = NrfTokenKit.B64(s.Modulus!), e = NrfTokenKit.B64(s.Exponent!) } } }));
                }

                settings["Eir:Nrf:JwksFile"] = file;
                break;
            case "pem private key":
                File.WriteAllText(file, kit.Pem.ExportPkcs8PrivateKeyPem());
                settings["Eir:Nrf:PublicKeyFiles:0"] = file;
                break;
            case "consumer not a uuid":
                settings["Eir:Nrf:Consumers:amf-1"] = "Azercell";
                break;
            case "no audience":
                settings["Eir:Nrf:Audiences:0"] = " ";
                settings.Remove("Eir:Nrf:Audiences:1");
                break;
            case "skew too large":
                settings["Eir:Nrf:ClockSkewSeconds"] = "3600";
                break;
            case "unknown key":
                settings["Eir:Nrf:Issuers:0"] = NrfTokenKit.Issuer;
                break;
            default:
                throw new ArgumentException(name);
        }

        return settings;
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_nrf_setting_is_refused_naming_it(string name, string message)
    {
        using var kit = new NrfTokenKit();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Bad(kit, name)).Build();
        var ex = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section));
        Assert.Contains(ex.Problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_need_a_consumer_or_a_registry_network_mapped_to_an_operator_and_the_old_plmn_key_is_refused()
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        NrfAccessTokens Tokens(Dictionary<string, string?> values)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
            return new NrfAccessTokens(
                DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section),
                DeviceRegistry.Infrastructure.Settings.Read<DeviceRegistry.Infrastructure.RegistrySettings>(configuration, DeviceRegistry.Infrastructure.RegistrySettings.Section),
                TimeProvider.System, new OperatorAuthenticator(db.Database, TimeProvider.System, OperatorCredentialKey.Random()), NullLogger<NrfAccessTokens>.Instance);
        }

        var unmapped = kit.Settings();
        foreach (var key in unmapped.Keys.Where(k => k.Contains("Consumers", StringComparison.Ordinal) || k.StartsWith("Registry:Networks", StringComparison.Ordinal)).ToList())
        {
            unmapped.Remove(key);
        }

        var refused = Assert.Throws<SettingsException>(() => Tokens(unmapped));
        Assert.Contains(refused.Problems, p => p.StartsWith("Eir:Nrf maps no consumer to an operator", StringComparison.Ordinal) && p.Contains("Registry:Networks:<MCC MNC>", StringComparison.Ordinal));
        unmapped["Registry:Networks:40004"] = "Bakcell";
        Assert.NotNull(Tokens(unmapped));

        var old = kit.Settings();
        old["Eir:Nrf:ConsumerPlmns:40004"] = "Bakcell";
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, old);
        var ex = Assert.ThrowsAny<Exception>(() => web.CreateClient());
        var messages = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        Assert.Contains(messages, m => m.Contains("Eir:Nrf:ConsumerPlmns is no longer read: set Registry:Networks instead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_web_host_does_not_start_with_a_bad_nrf_setting()
    {
        using var kit = new NrfTokenKit();
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, Bad(kit, "jwks file missing"));
        var ex = Assert.ThrowsAny<Exception>(() => web.CreateClient());
        var messages = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        Assert.Contains(messages, m => m.Contains("Eir:Nrf:JwksFile: /nonexistent/nrf.jwks does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_nrf_a_token_is_only_a_wrong_operator_secret()
    {
        using var kit = new NrfTokenKit();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await EirTestHost.StartAsync(db);
        using var client = host.App.GetTestClient();
        using var response = await SendAsync(client, "Bearer " + kit.Rs256(NrfTokenKit.Claims(EirTestHost.Now)), $"?pei={Pei(NewDevice)}");
        Assert.Empty(await RefusalProblemsAsync(response, 401, "invalid_token", "operator credential is not valid"));
    }

    /// <summary>What is wrong with a refusal: status, challenge (RFC 6750 §3), media type and a body the 3GPP ProblemDetails schema accepts.</summary>
    private static async Task<List<string>> RefusalProblemsAsync(HttpResponseMessage response, int status, string? error, string words)
    {
        var problems = new List<string>();
        if ((int)response.StatusCode != status)
        {
            problems.Add($"expected {status}");
            return problems;
        }

        var challenge = response.Headers.WwwAuthenticate.ToString();
        if (status == 401 || error is not null)
        {
            if (!challenge.StartsWith("Bearer realm=\"n5g-eir-eic\"", StringComparison.Ordinal))
            {
                problems.Add("expected a Bearer challenge with the realm");
            }

            if (error is null ? challenge.Contains("error=", StringComparison.Ordinal) : !challenge.Contains($"error=\"{error}\"", StringComparison.Ordinal))
            {
                problems.Add(error is null ? "expected no error attribute" : $"expected error=\"{error}\"");
            }

            if (error == "invalid_token" && !challenge.Contains("error_description=\"", StringComparison.Ordinal))
            {
                problems.Add("expected an error_description");
            }

            if (error == "insufficient_scope" && !challenge.Contains("scope=\"n5g-eir-eic\"", StringComparison.Ordinal))
            {
                problems.Add("expected scope=\"n5g-eir-eic\"");
            }
        }
        else if (challenge.Length > 0)
        {
            problems.Add("expected no challenge");
        }

        var (mediaType, schema) = ThreeGppSchema.ResponseOf(status);
        if (response.Content.Headers.ContentType?.MediaType != mediaType)
        {
            problems.Add($"expected {mediaType}");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problems.AddRange(ThreeGppSchema.Validate(json.RootElement, schema));
        if (json.RootElement.GetProperty("status").GetInt32() != status)
        {
            problems.Add("status in the body differs");
        }

        if (json.RootElement.GetProperty("detail").GetString() is not { } detail || !detail.Contains(words, StringComparison.Ordinal))
        {
            problems.Add($"expected the detail to say '{words}'");
        }

        return problems;
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
