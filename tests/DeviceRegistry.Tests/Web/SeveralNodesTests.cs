using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.Http.Headers;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Web.Eir;
using Microsoft.EntityFrameworkCore;
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
        await using var context = db.CreateContext();
        var recorded = await DeviceRegistry.Infrastructure.JobRuns.LatestAsync(context, 1000, "clone-detection", CancellationToken.None);
        Assert.Equal(runs.Count, recorded.Count);
        var twice = recorded.GroupBy(r => r.ScheduledFireAt).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key:O}: {string.Join(", ", g.Select(r => $"{r.Node} {r.FireInstanceId} started {r.StartedAt:O}"))}").ToList();
        Assert.True(twice.Count == 0, "fired more than once: " + string.Join("; ", twice));
    }

    [Fact]
    public async Task A_payment_reaches_the_answers_of_both_nodes_within_a_second_without_waiting_for_a_poll()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var secret = await DeviceRegistry.Tests.Eir.EirOverloadTests.AddOperatorAsync(db, "Azercell");
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
        await AttachChecksEndToEndTests.RegisterAndPayAsync(db, Phone, "AZE7654321", DateOnly.FromDateTime(DateTime.UtcNow));

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

    [Fact]
    public async Task A_node_killed_with_sigkill_leaves_the_other_answering_and_running_the_jobs()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var secret = await DeviceRegistry.Tests.Eir.EirOverloadTests.AddOperatorAsync(db, "Azercell");
        var fast = new Dictionary<string, string?> { ["Detection:ContinuousIntervalSeconds"] = "1", ["Jobs:ClusterCheckinSeconds"] = "1" };

        // The other node is a process of its own (the built web host), so that it can be killed outright.
        var port = FreePort();
        using var killed = StartWebHostProcess(db, port, new Dictionary<string, string?>(fast) { ["Jobs:NodeName"] = "node-killed" });
        await using var survivor = RegistryWebFactory.On(db, Node("node-a", fast));
        using var clientA = survivor.CreateClient();
        using var clientKilled = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        foreach (var client in new[] { clientA, clientKilled })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        await WaitUntilReadyAsync(killed, clientKilled);

        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientKilled, Phone, Sim));
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientA, Phone, Sim));
        await Task.Delay(TimeSpan.FromSeconds(3)); // both nodes take firings

        killed.Process.Kill(entireProcessTree: true); // SIGKILL: no shutdown, its acquired triggers and check-in left behind
        await killed.Process.WaitForExitAsync();
        var killedAt = DateTime.UtcNow;
        await Assert.ThrowsAsync<HttpRequestException>(() => clientKilled.GetAsync(new Uri("/health/live", UriKind.Relative)));
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientA, Phone, Sim));

        // The survivor recovers the dead node's share: the job keeps firing, now on node-a only.
        IReadOnlyList<DeviceRegistry.Infrastructure.JobRun> after = [];
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(40); await Task.Delay(500))
        {
            await using var context = db.CreateContext();
            after = (await DeviceRegistry.Infrastructure.JobRuns.LatestAsync(context, 1000, "clone-detection", CancellationToken.None))
                .Where(r => r.StartedAt > killedAt.AddSeconds(1)).ToList();
            if (after.Count >= 3)
            {
                break;
            }
        }

        Assert.True(after.Count >= 3, $"{after.Count} runs of the every-second job in the 40 s after the kill");
        Assert.All(after, r => Assert.Equal("node-a", r.Node));
        Assert.Equal("GREYLISTED", await AttachChecksEndToEndTests.StatusAsync(clientA, Phone, Sim));
    }

    [Fact]
    public async Task A_staff_sign_in_on_one_node_is_valid_on_another_node_with_a_home_folder_of_its_own()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = new Dictionary<string, string?>(StaffTestKit.WithoutTwoFactor) { ["Jobs:Enabled"] = "false" };
        await using var a = RegistryWebFactory.On(db, Node("node-a", settings));
        await StaffTestKit.CreateUserAsync(a, "reviewer1", DeviceRegistry.Staff.StaffRoles.Reviewer);
        using var clientA = StaffTestKit.CreateClient(a);
        using var signIn = await StaffTestKit.SignInAsync(clientA, "reviewer1");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])
            .Single(c => c.StartsWith(DeviceRegistry.Web.Staff.StaffAccess.CookieName + "=", StringComparison.Ordinal));

        // The other node is a process whose home folder is new and empty: a key ring kept per machine (the framework's
        // default, under the home folder) would not know node A's key, and the cookie would send it to the sign-in page.
        var home = Directory.CreateTempSubdirectory("devreg-node-home-");
        try
        {
            var port = FreePort();
            using var other = StartWebHostProcess(db, port, new Dictionary<string, string?>(settings) { ["Jobs:NodeName"] = "node-b", ["HOME"] = home.FullName });
            using var clientB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitUntilReadyAsync(other, clientB);

            using var request = new HttpRequestMessage(HttpMethod.Get, "/backoffice/account/security");
            request.Headers.Add("Cookie", cookie);
            using var page = await clientB.SendAsync(request);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"node B answered {(int)page.StatusCode} {page.Headers.Location}");
            Assert.Contains("reviewer1", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(home.FullName, "*.xml", SearchOption.AllDirectories));
        }
        finally
        {
            home.Delete(recursive: true);
        }

        await using var context = db.CreateContext();
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM data_protection_keys";
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    private static async Task WaitUntilReadyAsync(WebHostProcess host, HttpClient client)
    {
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!host.Process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
            }

            Assert.False(host.Process.HasExited, "the web host process exited: " + host.Errors);
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the web host process was not ready within 60 s");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The web host built beside the tests (src/DeviceRegistry.Web/bin/CONFIG/net10.0), on the database, listening on 127.0.0.1:port.</summary>
    private static WebHostProcess StartWebHostProcess(TestDatabase db, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var dll = Path.Combine(RepositoryPaths.Root, "src", "DeviceRegistry.Web", "bin", configuration, framework, "DeviceRegistry.Web.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Eir__SbaListen"] = "";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in db.Settings.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new WebHostProcess(Process.Start(start)!);
    }

    /// <summary>A web host process whose output is drained (a full pipe would stall it); killed when disposed.</summary>
    private sealed class WebHostProcess : IDisposable
    {
        private readonly System.Text.StringBuilder errors = new();

        public WebHostProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Errors
        {
            get
            {
                lock (errors)
                {
                    return errors.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }
    }
}
