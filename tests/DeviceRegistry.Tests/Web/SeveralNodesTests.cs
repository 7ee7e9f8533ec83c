using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DeviceRegistry.Tests.Web;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>Several web hosts on one PostgreSQL database, as a national deployment runs them behind a load balancer.</summary>
public sealed class SeveralNodesTests
{
    private const string Phone = "35467211888888";
    private const string Sim = "400011234567890";

    private static Dictionary<string, string?> Node(string name, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Jobs:NodeName"] = name };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Each_firing_of_a_scheduled_job_runs_on_exactly_one_of_two_nodes_and_devreg_jobs_lists_it()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var everySecond = new Dictionary<string, string?> { ["Detection:ContinuousIntervalSeconds"] = "1", ["Jobs:ClusterCheckinSeconds"] = "2" };
        await using (var a = RegistryWebFactory.On(db, Node("node-a", everySecond)))
        await using (var b = RegistryWebFactory.On(db, Node("node-b", everySecond)))
        {
            a.CreateClient().Dispose();
            b.CreateClient().Dispose();
            await Task.Delay(TimeSpan.FromSeconds(8));

            // Both nodes have checked in to the cluster by now, and each sees the other.
            foreach (var host in new[] { a, b })
            {
                var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
                var nodes = (await scheduler.QueryClusterNodes(CancellationToken.None)).Select(n => n.InstanceId).Order(StringComparer.Ordinal);
                Assert.Equal(["node-a", "node-b"], nodes);
            }
        }

        var listed = await Cli.RunAsync(db, "jobs", "--limit", "1000", "--job", "clone-detection");
        Assert.True(listed.ExitCode == 0, listed.Error);
        var lines = listed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("started,job,node,outcome,seconds,scheduled_for,error", lines[0]);
        var runs = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.True(runs.Count >= 4, $"{runs.Count} runs of the job every second over 8 s:\n{listed.Out}");
        Assert.All(runs, r => Assert.Contains(r[2], new[] { "node-a", "node-b" }));
        Assert.All(runs, r => Assert.Equal("succeeded", r[3]));
        Assert.All(runs, r => Assert.Equal("clones.clone-detection", r[1]));
        // Each scheduled fire time ran once, on one node: two schedulers not clustered would both fire it.
        var fireTimes = runs.Select(r => r[5]).ToList();
        Assert.Equal(fireTimes.Count, fireTimes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_payment_reaches_the_answers_of_both_nodes_within_a_second_without_waiting_for_a_poll()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var added = await Cli.RunAsync(db, "operator", "add", "Azercell");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
        // Polls a minute apart: only the change notification can bring a change within a second.
        var slowPoll = new Dictionary<string, string?> { ["Jobs:Enabled"] = "false", ["Eir:PollIntervalMilliseconds"] = "60000", ["Eir:SightingFlushMilliseconds"] = "20" };
        await using var a = RegistryWebFactory.On(db, Node("node-a", slowPoll));
        await using var b = RegistryWebFactory.On(db, Node("node-b", slowPoll));
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        foreach (var client in new[] { clientA, clientB })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        foreach (var host in new[] { a, b })
        {
            var wakeup = host.Services.GetRequiredService<ChangeLogWakeup>();
            for (var waited = Stopwatch.StartNew(); !wakeup.Listening; await Task.Delay(20))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the node did not start listening for changes");
            }
        }

        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientA, Phone, Sim));
        var imei = new Imei(long.Parse(Phone, CultureInfo.InvariantCulture)).WithCheckDigit;
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var register = await Cli.RunAsync(db, "register", "--imei", imei, "--document-type", "IdCard", "--document-number", "AZE7654321",
            "--name", "Leyla Mammadova", "--contact", "+994501234567", "--date", today);
        Assert.True(register.ExitCode == 0, register.Error + register.Out);
        var reference = register.Out.Split('\n').Single(l => l.StartsWith("payment reference: ", StringComparison.Ordinal))["payment reference: ".Length..].Trim();
        var duty = register.Out.Split('\n').Single(l => l.StartsWith("duty: ", StringComparison.Ordinal)).Split(' ')[1];
        var pay = await Cli.RunAsync(db, "pay", "--reference", reference, "--amount-azn", duty);
        Assert.True(pay.ExitCode == 0, pay.Error + pay.Out);

        var paid = Stopwatch.StartNew();
        foreach (var client in new[] { clientA, clientB })
        {
            var status = await AttachChecksEndToEndTests.StatusAsync(client, Phone, Sim);
            while (status != "WHITELISTED" && paid.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
                status = await AttachChecksEndToEndTests.StatusAsync(client, Phone, Sim);
            }

            Assert.Equal("WHITELISTED", status);
        }

        Assert.True(paid.Elapsed < TimeSpan.FromSeconds(1), $"both nodes followed the payment after {paid.Elapsed.TotalMilliseconds:F0} ms");
    }
}
