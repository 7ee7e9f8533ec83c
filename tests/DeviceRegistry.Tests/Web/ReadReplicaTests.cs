using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;
using Npgsql;

namespace DeviceRegistry.Tests.Web;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>EIR nodes that load and follow their decision index from a streaming replica while writes go to the primary.</summary>
public sealed class ReadReplicaTests
{
    private const string Phone = "35467211999999";
    private const string Sim = "400011234509876";

    [Fact]
    public async Task Two_nodes_reading_a_hot_standby_follow_a_payment_made_on_the_primary()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var secret = await DeviceRegistry.Tests.Eir.EirOverloadTests.AddOperatorAsync(db, "Azercell");

        using var standby = PostgresStandby.Start();
        var replica = standby.ConnectionStringFor(db.ConnectionString);
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["ConnectionStrings:RegistryReadReplica"] = replica,
            ["Eir:PollIntervalMilliseconds"] = "100",
            ["Eir:SightingFlushMilliseconds"] = "20",
        };
        await using var a = RegistryWebFactory.On(db, settings);
        await using var b = RegistryWebFactory.On(db, settings);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        foreach (var client in new[] { clientA, clientB })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        // The check's sighting is written to the primary (a standby refuses writes) and starts the window.
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientA, Phone, Sim));
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientB, Phone, Sim));

        // Replay held on the standby: a payment on the primary must not reach nodes that read the standby.
        await using (var standbyAdmin = new NpgsqlConnection(standby.ConnectionStringFor(PostgresCluster.AdminConnectionString)))
        {
            await standbyAdmin.OpenAsync();
            await using var pause = new NpgsqlCommand("SELECT pg_wal_replay_pause()", standbyAdmin);
            await pause.ExecuteNonQueryAsync();
        }

        await AttachChecksEndToEndTests.RegisterAndPayAsync(db, Phone, "AZE1122334", DateOnly.FromDateTime(DateTime.UtcNow));

        await Task.Delay(1500); // fifteen polls
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientA, Phone, Sim));
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientB, Phone, Sim));

        await using (var standbyAdmin = new NpgsqlConnection(standby.ConnectionStringFor(PostgresCluster.AdminConnectionString)))
        {
            await standbyAdmin.OpenAsync();
            await using var resume = new NpgsqlCommand("SELECT pg_wal_replay_resume()", standbyAdmin);
            await resume.ExecuteNonQueryAsync();
        }

        var resumed = Stopwatch.StartNew();
        foreach (var client in new[] { clientA, clientB })
        {
            var status = await AttachChecksEndToEndTests.StatusAsync(client, Phone, Sim);
            while (status != "WHITELISTED" && resumed.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
                status = await AttachChecksEndToEndTests.StatusAsync(client, Phone, Sim);
            }

            Assert.Equal("WHITELISTED", status);
        }
    }
}
