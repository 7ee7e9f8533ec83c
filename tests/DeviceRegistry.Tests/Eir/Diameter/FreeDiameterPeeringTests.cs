using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir.Diameter;

namespace DeviceRegistry.Tests.Eir.Diameter;

/// <summary>
/// Debian's freeDiameterd (package freediameter) as a peer of the EIR: it connects to our port, exchanges
/// capabilities and keeps the connection up through its watchdogs (Tw 6 s, the smallest it allows).
/// </summary>
public sealed class FreeDiameterPeeringTests
{
    private const string FreeDiameterd = "/usr/bin/freeDiameterd";

    [Fact]
    public async Task FreeDiameterd_peers_with_the_EIR_and_keeps_the_connection_up_through_two_watchdogs()
    {
        Assert.True(File.Exists(FreeDiameterd), $"{FreeDiameterd} is missing: apt-get install freediameter (.ci/run installs it)");
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var host = await S13PeerTests.StartHostAsync(db, S13PeerTests.PeerSettings("mme.fd.test", "fd.test"));
        var peer = host.Get<DiameterPeerService>();

        var folder = Directory.CreateTempSubdirectory("devreg-freediameter-");
        try
        {
            var config = WriteConfiguration(folder.FullName, peer.Port);
            var output = new StringBuilder();
            using var process = new Process { StartInfo = new ProcessStartInfo(FreeDiameterd) { RedirectStandardOutput = true, RedirectStandardError = true } };
            process.StartInfo.ArgumentList.Add("-c");
            process.StartInfo.ArgumentList.Add(config);
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var deadline = Stopwatch.StartNew();
                while (peer.WatchdogsAnswered < 2 && deadline.Elapsed < TimeSpan.FromSeconds(45) && !process.HasExited)
                {
                    await Task.Delay(200);
                }

                string Log()
                {
                    lock (output)
                    {
                        return output.ToString();
                    }
                }

                Assert.True(peer.WatchdogsAnswered >= 2, $"watchdogs answered: {peer.WatchdogsAnswered}, peers connected: {peer.PeersConnected}; freeDiameterd said:\n{Log()}");
                Assert.Equal(1, peer.PeersConnected);
                Assert.Equal(1, peer.OpenConnections);
                Assert.Contains("'STATE_OPEN'", Log(), StringComparison.Ordinal);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    /// <summary>
    /// freeDiameterd's configuration: its identity, loopback only, TCP only, its own ports free, short timers, and
    /// the EIR as its one peer without TLS. freeDiameterd insists on TLS credentials even when no peer uses TLS, so a
    /// throwaway self-signed pair is written beside it.
    /// </summary>
    private static string WriteConfiguration(string folder, int eirPort)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mme.fd.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        var path = Path.Combine(folder, "freeDiameter.conf");
        File.WriteAllText(path, $$"""
            Identity = "mme.fd.test";
            Realm = "fd.test";
            ListenOn = "127.0.0.1";
            Port = {{PostgresCluster.FreePort()}};
            SecPort = {{PostgresCluster.FreePort()}};
            No_SCTP;
            No_IPv6;
            TcTimer = 5;
            TwTimer = 6;
            TLS_Cred = "{{certPath}}", "{{keyPath}}";
            TLS_CA = "{{certPath}}";
            ConnectPeer = "eir.registry.test" { ConnectTo = "127.0.0.1"; Port = {{eirPort}}; No_TLS; No_SCTP; Realm = "registry.test"; };
            """);
        return path;
    }
}
