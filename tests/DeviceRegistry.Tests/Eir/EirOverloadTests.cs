using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using DeviceRegistry.Web.Eir;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace DeviceRegistry.Tests.Eir;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// Overload control of the EIR (docs/eir.md, "Overload") through the whole web host on Kestrel: the per-operator
/// cap (429 NF_CONGESTION_RISK), a sightings queue held full by a sink that holds its writes (503 NF_CONGESTION,
/// hysteresis, recovery, and every 200 with its row), and the settings' checks. The thread-pool signal is off in
/// the HTTP tests (Eir:ThreadPoolShedDelayMilliseconds=0, as in every test host): the machine is shared, and a busy
/// moment must not turn a queue or rate answer into a thread-pool one; its hysteresis is tested on its own.
/// </summary>
public sealed class EirOverloadTests
{
    private const string Path = "/n5g-eir-eic/v1/equipment-status";
    private const long ImeiKey = 35891110654322;
    private static readonly string Pei = "imei-" + new Imei(ImeiKey).WithCheckDigit;

    private static string Imsi(int i) => (400011000000000L + i).ToString(CultureInfo.InvariantCulture);

    internal static async Task<string> AddOperatorAsync(TestDatabase db, string name)
    {
        var added = await Cli.RunAsync(db, "operator", "add", name);
        Assert.True(added.ExitCode == 0, added.Error);
        return added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();
    }

    private static HttpRequestMessage Get(string secret, int sim) => new(HttpMethod.Get, $"{Path}?pei={Pei}&supi=imsi-{Imsi(sim)}")
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", secret) },
    };

    private static HttpRequestMessage Batch(string secret, params int[] sims) => new(HttpMethod.Post, Path + ":batch")
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", secret) },
        Content = new StringContent(
            JsonSerializer.Serialize(new { checks = sims.Select(s => new { pei = Pei, supi = "imsi-" + Imsi(s) }) }), Encoding.UTF8, "application/json"),
    };

    private static async Task AssertRefusedAsync(HttpResponseMessage response, int status, string cause, int retryAfterSeconds, string instance)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode} {body}");
        Assert.Empty(EirConformanceTests.Conformance(response, body, status, cause, string.Empty));
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), response.Headers.RetryAfter?.Delta);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(instance, json.RootElement.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task An_operator_over_its_rate_gets_429_with_retry_after_while_another_operator_is_answered()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:MaxChecksPerOperatorPerSecond"] = "1",
            ["Eir:MaxChecksPerOperatorBurst"] = "3",
        });
        var azercell = await AddOperatorAsync(web.Database, "Azercell");
        var bakcell = await AddOperatorAsync(web.Database, "Bakcell");
        var nar = await AddOperatorAsync(web.Database, "Nar");
        web.StartKestrel();
        using var client = web.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);

        // A batch of 3 takes Azercell's whole burst; its next check is 1 s away.
        using (var full = await client.SendAsync(Batch(azercell, 1, 2, 3)))
        {
            Assert.Equal(HttpStatusCode.OK, full.StatusCode);
            Assert.Equal(3, JsonDocument.Parse(await full.Content.ReadAsStringAsync()).RootElement.GetProperty("results").EnumerateArray()
                .Count(r => r.TryGetProperty("status", out _)));
        }

        using (var refused = await client.SendAsync(Get(azercell, 4)))
        {
            await AssertRefusedAsync(refused, 429, "NF_CONGESTION_RISK", 1, Path);
        }

        using (var refusedBatch = await client.SendAsync(Batch(azercell, 5)))
        {
            await AssertRefusedAsync(refusedBatch, 429, "NF_CONGESTION_RISK", 1, Path + ":batch");
        }

        using (var other = await client.SendAsync(Get(bakcell, 10)))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        // A batch larger than the burst is admitted on a full bucket and paid for after: 5 checks at 1/s on a
        // burst of 3 leave Nar 3 s short of its next check.
        var clock = Stopwatch.StartNew();
        using (var large = await client.SendAsync(Batch(nar, 11, 12, 13, 14, 15)))
        {
            Assert.Equal(HttpStatusCode.OK, large.StatusCode);
        }

        using (var afterLarge = await client.SendAsync(Get(nar, 16)))
        {
            var elapsed = clock.Elapsed;
            Assert.Equal(HttpStatusCode.TooManyRequests, afterLarge.StatusCode);
            if (elapsed < TimeSpan.FromSeconds(0.9))
            {
                Assert.Equal(TimeSpan.FromSeconds(3), afterLarge.Headers.RetryAfter?.Delta);
            }
        }

        // The refusals took nothing: a second later Azercell has a token again.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        using (var again = await client.SendAsync(Get(azercell, 6)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var admission = web.Services.GetRequiredService<EirAdmission>();
        Assert.Equal(EirShedReason.None, admission.Shedding);
        Assert.Equal(3, admission.ShedByOperatorRate);
    }

    /// <summary>Holds every write until released, then writes through the real SQL sink.</summary>
    internal sealed class HeldSink : ISightingSink
    {
        private readonly SemaphoreSlim permits = new(0);
        private volatile bool open;

        public ISightingSink? Inner { get; set; }

        public void Release() => permits.Release();

        public void Open()
        {
            open = true;
            permits.Release(1000);
        }

        public async Task<bool> WriteAsync(IReadOnlyList<CheckSighting> batch, CancellationToken ct)
        {
            if (!open)
            {
                // Bounded: a test that fails before opening the sink does not hold the host's shutdown.
                await permits.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            }

            return await Inner!.WriteAsync(batch, ct);
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    private static async Task<long> RowsAsync(TestDatabase db) =>
        Convert.ToInt64((await Sql.QueryAsync(db.Database, $"SELECT COUNT(*) FROM sightings WHERE imei = {ImeiKey}")).Single()[0], CultureInfo.InvariantCulture);

    private static async Task<HealthStatus> HealthAsync(RegistryWebFactory web)
    {
        var report = await web.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == EirIndexHealthCheck.Name);
        return report.Entries[EirIndexHealthCheck.Name].Status;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_full_sightings_queue_answers_503_quickly_until_it_drains_and_no_200_loses_its_sighting(DatabaseProvider provider)
    {
        // Capacity 100: checks are refused from 90 pending until back down to 70. Batches are exactly 10 (the
        // flush wait is longer than the test), so releasing one batch lowers the queue by 10.
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:SightingBufferCapacity"] = "100",
            ["Eir:SightingBatchSize"] = "10",
            ["Eir:SightingFlushMilliseconds"] = "600000",
            ["Eir:MaxBatchChecks"] = "10",
            ["Eir:CongestionRetryAfterSeconds"] = "7",
        });
        var sink = new HeldSink();
        web.ServiceOverrides = services =>
        {
            services.RemoveAll<ISightingSink>();
            services.AddSingleton<ISightingSink>(sp =>
            {
                sink.Inner = ActivatorUtilities.CreateInstance<SqlSightingSink>(sp);
                return sink;
            });
        };
        var logs = new CapturedLogs();
        web.Logs = logs;
        var secret = await AddOperatorAsync(web.Database, "Azercell");
        web.StartKestrel();
        using var client = web.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        var writer = web.Services.GetRequiredService<SightingBatchWriter>();
        // The index loads in the background after start; until then every check is 503 (still loading).
        var checker = web.Services.GetRequiredService<EirChecker>();
        for (var waited = Stopwatch.StartNew(); !checker.IsReady; await Task.Delay(20))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the EIR index did not load within 30 s");
        }

        var sim = 0;
        var answered = 0;
        for (; sim < 90; sim++)
        {
            using var ok = await client.SendAsync(Get(secret, sim));
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"check {sim}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}");
            answered++;
        }

        Assert.Equal(90, writer.Pending);
        var clock = Stopwatch.StartNew();
        using (var refused = await client.SendAsync(Get(secret, sim++)))
        {
            await AssertRefusedAsync(refused, 503, "NF_CONGESTION", 7, Path);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the 503 took {clock.Elapsed}");
        using (var refusedBatch = await client.SendAsync(Batch(secret, sim++)))
        {
            await AssertRefusedAsync(refusedBatch, 503, "NF_CONGESTION", 7, Path + ":batch");
        }

        Assert.Equal(HealthStatus.Degraded, await HealthAsync(web));
        await WaitUntilAsync(() => logs.Lines.Any(l => l.Contains("The EIR is shedding load (SightingQueue)", StringComparison.Ordinal)), "the shedding warning");

        // One batch written: 80 pending, above the resume mark, so still refused (hysteresis).
        sink.Release();
        await WaitUntilAsync(() => writer.Written == 10, "the first batch");
        using (var stillRefused = await client.SendAsync(Get(secret, sim++)))
        {
            await AssertRefusedAsync(stillRefused, 503, "NF_CONGESTION", 7, Path);
        }

        // Another: 70 pending, the resume mark; checks are admitted again up to the shed mark.
        sink.Release();
        await WaitUntilAsync(() => writer.Written == 20, "the second batch");
        for (var i = 0; i < 10; i++, sim++)
        {
            using var ok = await client.SendAsync(Get(secret, sim));
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"check {sim} after resuming: {(int)ok.StatusCode}");
            answered++;
        }

        Assert.Equal(80, writer.Pending);
        sink.Open();
        await WaitUntilAsync(() => writer.Pending == 0, "the queue to drain");

        Assert.Equal(100, answered);
        Assert.Equal(answered, await RowsAsync(web.Database));
        Assert.Equal(0, writer.Dropped);
        var admission = web.Services.GetRequiredService<EirAdmission>();
        Assert.Equal(3, admission.ShedBySightingQueue);
        Assert.Equal(EirShedReason.None, admission.Shedding);
        Assert.Equal(HealthStatus.Healthy, await HealthAsync(web));
        using (var recovered = await client.SendAsync(Get(secret, sim++)))
        {
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }

        // The shed counts reach the log in lines at most every 5 s: the 3 refusals, maybe split over two lines.
        // The sampler notices the change on its next tick (Eir:OverloadSampleMilliseconds).
        await WaitUntilAsync(() => logs.Lines.Any(l => l.Contains("The EIR admits checks again", StringComparison.Ordinal)), "the log line on recovery");
        await WaitUntilAsync(() => ShedInLog(logs) == 3, "the shed counts in the log");
    }

    private static int ShedInLog(CapturedLogs logs) => logs.Lines
        .Select(l => Regex.Match(l, @"EIR checks shed in the last \d+ s: (\d+) 503 for the sightings queue, 0 503 for the thread pool, 0 429"))
        .Where(m => m.Success)
        .Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_check_whose_sighting_cannot_be_queued_is_answered_503_not_200()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
        });
        var secret = await AddOperatorAsync(web.Database, "Azercell");
        web.StartKestrel();
        using var client = web.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);

        // The writer closes its queue as on shutdown while the host still serves: the queue is empty, so
        // admission lets the check in, and only the closed queue refuses its sighting.
        var writer = web.Services.GetRequiredService<SightingBatchWriter>();
        await writer.StopAsync(CancellationToken.None);
        using (var refused = await client.SendAsync(Get(secret, 1)))
        {
            await AssertRefusedAsync(refused, 503, "NF_CONGESTION", 5, Path);
        }

        using (var noSupi = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{Path}?pei={Pei}")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", secret) },
        }))
        {
            // Without a SUPI there is no sighting to lose: answered as usual (rule 7, unknown equipment).
            Assert.Equal(HttpStatusCode.NotFound, noSupi.StatusCode);
        }

        Assert.Equal(1, web.Services.GetRequiredService<EirAdmission>().NotQueued);
        Assert.Equal(0, await RowsAsync(web.Database));
    }

    [Theory]
    [InlineData(true, 600.0, false, true)]
    [InlineData(false, 499.0, true, false)]
    [InlineData(false, 500.0, true, true)]
    [InlineData(false, 800.0, false, true)]
    [InlineData(true, 200.0, true, true)]
    [InlineData(true, 50.0, true, false)]
    [InlineData(true, 10.0, false, true)]
    [InlineData(false, 10.0, true, false)]
    public void The_thread_pool_signal_sheds_at_500_ms_and_resumes_only_at_50_ms_measured(bool shedding, double delay, bool finished, bool expected)
    {
        // Arguments: shedding before, the sampled delay, whether that probe had run; with the defaults 500 / 50 ms.
        Assert.Equal(expected, EirAdmission.NextThreadPoolState(shedding, delay, finished, 500, 50));
    }

    [Theory]
    [InlineData("MaxChecksPerOperatorPerSecond=-1", "Eir:MaxChecksPerOperatorPerSecond is -1; it must be between 0 (no cap) and 1000000")]
    [InlineData("MaxChecksPerOperatorBurst=50", "Eir:MaxChecksPerOperatorBurst is 50 but Eir:MaxChecksPerOperatorPerSecond is 0 (no cap)")]
    [InlineData("MaxChecksPerOperatorPerSecond=10;MaxChecksPerOperatorBurst=-2", "Eir:MaxChecksPerOperatorBurst is -2; it must not be negative")]
    [InlineData("SightingQueueShedPercent=0", "Eir:SightingQueueShedPercent is 0; it must be between 1 and 100")]
    [InlineData("SightingQueueShedPercent=101", "Eir:SightingQueueShedPercent is 101; it must be between 1 and 100")]
    [InlineData("SightingQueueResumePercent=90", "Eir:SightingQueueResumePercent is 90; it must be at least 0 and below Eir:SightingQueueShedPercent (90)")]
    [InlineData("SightingBufferCapacity=1000;SightingBatchSize=100", "Eir:SightingQueueShedPercent 90 of Eir:SightingBufferCapacity 1000 is 900 sightings, fewer than one batch request of Eir:MaxBatchChecks (1000)")]
    [InlineData("ThreadPoolShedDelayMilliseconds=-1", "Eir:ThreadPoolShedDelayMilliseconds is -1; it must not be negative")]
    [InlineData("ThreadPoolResumeDelayMilliseconds=500", "Eir:ThreadPoolResumeDelayMilliseconds is 500; it must be at least 0 and below Eir:ThreadPoolShedDelayMilliseconds (500)")]
    [InlineData("OverloadSampleMilliseconds=5", "Eir:OverloadSampleMilliseconds is 5; it must be between 10 and 10000")]
    [InlineData("CongestionRetryAfterSeconds=0", "Eir:CongestionRetryAfterSeconds is 0; it must be between 1 and 3600")]
    public void A_bad_overload_setting_is_refused_naming_the_key(string values, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Split(';')
            .Select(v => v.Split('='))
            .Select(kv => new KeyValuePair<string, string?>("Eir:" + kv[0], kv[1]))).Build();
        var error = Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(configuration, EirSettings.Section));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_overload_defaults_never_trigger_in_normal_use_and_validate()
    {
        var settings = DeviceRegistry.Infrastructure.Settings.Read<EirSettings>(new ConfigurationBuilder().Build(), EirSettings.Section);
        Assert.Equal(0, settings.MaxChecksPerOperatorPerSecond);
        Assert.Equal(900_000, settings.SightingQueueShedMark);
        Assert.Equal(700_000, settings.SightingQueueResumeMark);
        Assert.Equal(500, settings.ThreadPoolShedDelayMilliseconds);
        Assert.Equal(5, settings.CongestionRetryAfterSeconds);
    }
}

/// <summary>Tests that starve the process's thread pool: they run alone, after every parallel test.</summary>
[CollectionDefinition(nameof(ThreadPoolStarvation), DisableParallelization = true)]
public sealed class ThreadPoolStarvation;

/// <summary>
/// The thread-pool signal on a really starved pool, in a host on Kestrel. While the pool is starved the decision is
/// read directly: an HTTP request would itself wait for a pool thread, and be answered when the starvation ends.
/// </summary>
[Collection(nameof(ThreadPoolStarvation))]
public sealed class EirThreadPoolOverloadTests
{
    [Fact]
    public async Task A_starved_thread_pool_sheds_checks_and_admits_them_again_once_it_recovers()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:ThreadPoolShedDelayMilliseconds"] = "500",
            ["Eir:ThreadPoolResumeDelayMilliseconds"] = "100",
            ["Eir:OverloadSampleMilliseconds"] = "20",
        });
        var secret = await EirOverloadTests.AddOperatorAsync(web.Database, "Azercell");
        web.StartKestrel();
        using var client = web.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var query = $"/n5g-eir-eic/v1/equipment-status?pei=imei-{new Imei(35891110654323).WithCheckDigit}&supi=imsi-400011000000001";

        // A host starting on a busy machine may itself be past the mark for a moment: start from a calm pool.
        var admission = web.Services.GetRequiredService<EirAdmission>();
        await WaitCalmAsync(admission);
        using (var before = await client.GetAsync(query))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await WaitCalmAsync(admission);

        // Work items that hold their threads (sleeping, which the pool does not see as blocking) outnumber them,
        // so new work waits in the queue. No await until they are let go: the test's own continuations would wait too.
        var released = false;
        var hold = Stopwatch.StartNew();
        for (var i = ThreadPool.ThreadCount + 16; i > 0; i--)
        {
            ThreadPool.UnsafeQueueUserWorkItem<object?>(
                _ =>
                {
                    while (!Volatile.Read(ref released) && hold.Elapsed < TimeSpan.FromSeconds(15))
                    {
                        Thread.Sleep(5);
                    }
                },
                null,
                preferLocal: false);
        }

        var decided = EirShedReason.None;
        var retryAfter = 0;
        while (hold.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (admission.Shedding == EirShedReason.ThreadPool)
            {
                decided = admission.Decide(1, 1, out retryAfter);
                break;
            }

            Thread.Sleep(10);
        }

        var detectedAfter = hold.Elapsed;
        Volatile.Write(ref released, true);
        Assert.True(decided == EirShedReason.ThreadPool, $"not shed within {detectedAfter} (delay {admission.ThreadPoolDelayMilliseconds} ms)");
        Assert.Equal(5, retryAfter);
        Assert.Equal(1, admission.ShedByThreadPool);

        await WaitCalmAsync(admission);

        using var after = await client.GetAsync(query);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static Task WaitCalmAsync(EirAdmission admission) =>
        EirOverloadTests.WaitUntilAsync(() => admission.Shedding == EirShedReason.None, "the thread pool to calm down");
}
