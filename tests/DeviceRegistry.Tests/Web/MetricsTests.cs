using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Sightings;
using DeviceRegistry.Web.Eir;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace DeviceRegistry.Tests.Web;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// The registry's instruments are process-wide (one meter), so these tests run alone: every measurement the host's
/// /metrics shows comes from what the test did.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>
/// The web host's Prometheus endpoint (docs/operations.md, "Metrics and traces"), on real Kestrel sockets, after EIR
/// checks of an operator, devreg ingests and a detection run against the host's database, and the continuous
/// detection job: each counted as done, the standard ASP.NET Core, Kestrel and runtime instruments there, no
/// subscriber or device number anywhere in it. The metrics do not depend on the database: SQLite only.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests
{
    // The EIR's answers are tallied per process (EirCheckMetrics), not per host: each test counts under its own operator.
    private const string Operator = "MetricsTel";
    private const string HomeSim = "400011234500001";
    private const string RoamingSim = "310260000000123";
    private const string NewPhone = "35332510123456";
    private const string RoamersPhone = "35891110654321";
    private static readonly string[] NeverSeen = ["35467211777777", "35467211777778", "35467211777779", "35467211777780"];
    private const string FileImei1 = "86011203000001";
    private const string FileImei2 = "86011203000002";
    private const string FileImei3 = "86011203000003";
    private const string FileImsi = "400027700000001";

    private static string Pei(string imei) => "imei-" + new Imei(long.Parse(imei, CultureInfo.InvariantCulture)).WithCheckDigit;

    [Fact]
    public async Task Metrics_count_checks_ingests_detection_and_jobs_and_name_no_number()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            // Answers of every kind from settings alone: a foreign SIM is refused, an IMEI never seen without a SIM admitted.
            ["Eir:Roaming"] = "Blacklisted",
            ["Eir:NeverSeen"] = "Whitelisted",
            ["Eir:SightingFlushMilliseconds"] = "20",
            ["Detection:ContinuousIntervalSeconds"] = "1",
        });
        var address = web.StartKestrel();
        var db = web.Database;
        var secret = await DeviceRegistry.Tests.Eir.EirOverloadTests.AddOperatorAsync(db, Operator);
        using var client = new HttpClient { BaseAddress = address };

        // Answers before the caller is known count under "none", shared with every other test's host in this process:
        // this one's 401 is seen as a rise.
        var refusedUnknown = (await ScrapeUntilAsync(client, _ => true)).Value(
            "devreg_eir_checks_total", ("operator", "none"), ("answer", "REFUSED"), ("status", "401")) ?? 0;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusCodeAsync(client, $"pei={Pei(NewPhone)}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal("GREYLISTED", await AnswerAsync(client, $"pei={Pei(NewPhone)}&supi=imsi-{HomeSim}"));
        Assert.Equal("BLACKLISTED", await AnswerAsync(client, $"pei={Pei(RoamersPhone)}&supi=imsi-{RoamingSim}"));
        Assert.Equal("BLACKLISTED", await AnswerAsync(client, $"pei={Pei(RoamersPhone)}&supi=imsi-{RoamingSim}"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("WHITELISTED", await AnswerAsync(client, $"pei={Pei(NeverSeen[i])}"));
        }

        using (var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // One HTTP/2 stream (h2c on the SBA listener, which serves the EIR only: 404), for Kestrel's per-stream instruments.
        using (var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        using (var stream = await h2c.GetAsync(new Uri(web.SbaAddress!, "/health/live")))
        {
            Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, await StatusCodeAsync(client, "pei=mac-00-11-22-33-44-55"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusCodeAsync(client, "pei=imei-123"));
        using (var batch = await client.PostAsync(new Uri("/n5g-eir-eic/v1/equipment-status:batch", UriKind.Relative), new StringContent(
            $$"""{"checks":[{"pei":"{{Pei(NeverSeen[3])}}"},{"pei":"mac-00-11-22-33-44-66"}]}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        }

        // One file accepted with one bad row of four, one rejected whole (two bad rows of three), then a full detection run,
        // each in a span of the registry's source.
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RegistryTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var kit = new IngestTestKit();
        var accepted = kit.WriteLines("day.csv",
            ["date,imei,imsi", $"20261130,{FileImei1},{FileImsi}", $"20261130,{FileImei2},{FileImsi}", $"20261130,{FileImei3},{FileImsi}", "20261130,12AB,400027700000002"]);
        var rejected = kit.WriteLines("bad.csv",
            ["date,imei,imsi", $"20261130,{FileImei1},{FileImsi}", "20261130,12AB,400027700000003", "20261130,34CD,400027700000004"]);
        Assert.Equal(0, (await IngestTestKit.IngestAsync(db, accepted, "--operator", Operator, "--max-bad-ratio", "0.5")).ExitCode);
        Assert.Equal(1, (await IngestTestKit.IngestAsync(db, rejected, "--operator", Operator)).ExitCode);
        // Five IMEIs in the store before detection: the file's three and the two checked with a SIM, once their sightings are written.
        for (var i = 0; i < 100 && await SeenImeisAsync(db) != 5; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(5, await SeenImeisAsync(db));
        var detect = await Cli.RunAsync(db, "detect");
        Assert.True(detect.ExitCode == 0, detect.Error + detect.Out);

        var scrape = await ScrapeUntilAsync(client, s => s.Value("devreg_job_runs_total", ("job", "clone-detection"), ("outcome", "succeeded")) >= 1
            && s.Value("devreg_eir_checks_total", ("operator", Operator), ("answer", "WHITELISTED")) == 4);

        Assert.Equal(1, scrape.Value("devreg_eir_checks_total", ("operator", Operator), ("answer", "GREYLISTED"), ("status", "200")));
        Assert.Equal(2, scrape.Value("devreg_eir_checks_total", ("operator", Operator), ("answer", "BLACKLISTED"), ("status", "200")));
        Assert.Equal(4, scrape.Value("devreg_eir_checks_total", ("operator", Operator), ("answer", "WHITELISTED"), ("status", "200")));
        Assert.Equal(2, scrape.Value("devreg_eir_checks_total", ("operator", Operator), ("answer", "UNKNOWN"), ("status", "404")));
        Assert.Equal(1, scrape.Value("devreg_eir_checks_total", ("operator", Operator), ("answer", "REFUSED"), ("status", "400")));
        Assert.True(scrape.Value("devreg_eir_checks_total", ("operator", "none"), ("answer", "REFUSED"), ("status", "401")) >= refusedUnknown + 1);
        Assert.Equal(8, scrape.Value("devreg_eir_check_duration_seconds_count", ("operator", Operator), ("request", "single")));
        Assert.Equal(1, scrape.Value("devreg_eir_check_duration_seconds_count", ("operator", Operator), ("request", "batch")));
        Assert.Equal(1, scrape.Value("devreg_eir_check_duration_seconds_count", ("operator", "none"), ("request", "single")));
        // The fastest bucket that holds every single check is well under a second, and the +Inf bucket holds them all.
        Assert.Equal(8, scrape.Value("devreg_eir_check_duration_seconds_bucket", ("operator", Operator), ("request", "single"), ("le", "+Inf")));
        Assert.Equal(8, scrape.Value("devreg_eir_check_duration_seconds_bucket", ("operator", Operator), ("request", "single"), ("le", "5")));
        Assert.NotNull(scrape.Value("devreg_eir_sightings_pending"));
        Assert.NotNull(scrape.Value("devreg_eir_sightings_flush_lag_seconds"));

        Assert.Equal(1, scrape.Value("devreg_ingest_files_total", ("outcome", "accepted")));
        Assert.Equal(1, scrape.Value("devreg_ingest_files_total", ("outcome", "rejected")));
        Assert.Equal(7, scrape.Value("devreg_ingest_rows_read_total"));
        Assert.Equal(3, scrape.Value("devreg_ingest_rows_merged_total"));
        Assert.Equal(1, scrape.Value("devreg_ingest_rows_rejected_total", ("outcome", "accepted")));
        Assert.Equal(2, scrape.Value("devreg_ingest_rows_rejected_total", ("outcome", "rejected")));
        Assert.Equal(1, scrape.Value("devreg_ingest_duration_seconds_count", ("outcome", "accepted")));
        Assert.Equal(1, scrape.Value("devreg_ingest_duration_seconds_count", ("outcome", "rejected")));

        Assert.Equal(1, scrape.Value("devreg_detection_runs_total", ("scope", "full"), ("outcome", "completed")));
        Assert.Equal(1, scrape.Value("devreg_detection_duration_seconds_count", ("scope", "full"), ("outcome", "completed")));
        Assert.Equal(5, scrape.Value("devreg_detection_verdicts_total", ("scope", "full"), ("verdict", "not_clone")));
        Assert.Null(scrape.Value("devreg_detection_verdicts_total", ("scope", "full"), ("verdict", "new_clone")));
        Assert.NotNull(scrape.Value("devreg_job_duration_seconds_count", ("job", "clone-detection"), ("outcome", "succeeded")));

        // The standard instruments: ASP.NET Core's requests (not the EIR's, which devreg_eir_check_duration times), Kestrel's
        // connections, the runtime's.
        Assert.Equal(1, scrape.Value("http_server_request_duration_seconds_count",
            ("http_route", "/health/live"), ("http_request_method", "GET"), ("http_response_status_code", "200")));
        Assert.Null(scrape.Value("http_server_request_duration_seconds_count",
            ("http_route", "/n5g-eir-eic/v1/equipment-status"), ("http_request_method", "GET"), ("http_response_status_code", "200")));
        // Two per-request framework instruments are not collected at all (RegistryTelemetryHosting.ExcludedInstruments).
        Assert.DoesNotContain("kestrel_queued_requests", scrape.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", scrape.Text, StringComparison.Ordinal);
        Assert.NotNull(scrape.Value("kestrel_active_connections", ("network_transport", "tcp"), ("server_port", address.Port.ToString(CultureInfo.InvariantCulture))));
        Assert.NotNull(scrape.Value("dotnet_gc_collections_total", ("gc_heap_generation", "gen0")));

        var ingests = spans.Where(s => s.OperationName == "devreg.ingest").OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(["day.csv", "bad.csv"], ingests.Select(s => s.GetTagItem("devreg.ingest.file")));
        Assert.Equal(["accepted", "rejected"], ingests.Select(s => s.GetTagItem("devreg.ingest.outcome")));
        Assert.Equal([4L, 3L], ingests.Select(s => s.GetTagItem("devreg.ingest.rows")));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Error], ingests.Select(s => s.Status));
        var full = Assert.Single(spans, s => s.OperationName == "devreg.detect" && "full".Equals(s.GetTagItem("devreg.detect.scope")));
        Assert.Equal(5L, full.GetTagItem("devreg.detect.imeis_evaluated"));
        var spanText = string.Join("\n", spans.SelectMany(s => s.TagObjects).Select(t => $"{t.Key}={t.Value}"));

        foreach (var number in (string[])[HomeSim, RoamingSim, NewPhone, RoamersPhone, .. NeverSeen, FileImei1, FileImei2, FileImei3, FileImsi, secret])
        {
            Assert.DoesNotContain(number, scrape.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(number, spanText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_a_metrics_port_the_endpoint_answers_only_there_off_it_is_gone_and_bad_settings_stop_the_hosts()
    {
        await using (var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Metrics:Port"] = "9",
        }))
        {
            using var client = new HttpClient { BaseAddress = web.StartKestrel() };
            using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await using (var off = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Metrics:Enabled"] = "false",
        }))
        {
            using var client = off.CreateClient();
            using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(off.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        }

        await using var bad = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Metrics:Path"] = "/n5g-eir-eic/v1/metrics",
        });
        var error = Assert.ThrowsAny<Exception>(() => bad.CreateClient());
        Assert.Contains("Metrics:Path is '/n5g-eir-eic/v1/metrics'; it must not be under the EIR's /n5g-eir-eic/v1", error.ToString(), StringComparison.Ordinal);

        // devreg reads the same variable for its traces, and refuses what is no collector URL.
        var cli = await Cli.RunAsync(new Dictionary<string, string?>(bad.Database.Settings) { [RegistryTelemetry.OtlpEndpointVariable] = "collector:4317" }, "migrate");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT is 'collector:4317'; it must be the collector's http:// or https:// URL", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sightings_gauges_show_a_write_that_is_held_and_fall_to_zero_once_it_is_done()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Eir:SightingFlushMilliseconds"] = "20",
        });
        var sink = new DeviceRegistry.Tests.Eir.EirOverloadTests.HeldSink();
        web.ServiceOverrides = services =>
        {
            services.RemoveAll<ISightingSink>();
            services.AddSingleton<ISightingSink>(sp =>
            {
                sink.Inner = ActivatorUtilities.CreateInstance<SqlSightingSink>(sp);
                return sink;
            });
        };
        using var client = new HttpClient { BaseAddress = web.StartKestrel() };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await DeviceRegistry.Tests.Eir.EirOverloadTests.AddOperatorAsync(web.Database, "MetricsGaugeTel"));
        Assert.Equal("GREYLISTED", await AnswerAsync(client, $"pei={Pei(NewPhone)}&supi=imsi-{HomeSim}"));

        // The one sighting waits on the held write: pending 1, and the lag grows past a second.
        var held = await ScrapeUntilAsync(client, s => s.Value("devreg_eir_sightings_flush_lag_seconds") >= 1.5);
        Assert.Equal(1, held.Value("devreg_eir_sightings_pending"));
        Assert.InRange(held.Value("devreg_eir_sightings_flush_lag_seconds")!.Value, 1.5, 30);

        sink.Open();
        var written = await ScrapeUntilAsync(client, s => s.Value("devreg_eir_sightings_pending") == 0);
        Assert.Equal(0, written.Value("devreg_eir_sightings_pending"));
        Assert.Equal(0, written.Value("devreg_eir_sightings_flush_lag_seconds"));
    }

    [Fact]
    public async Task S13_answers_are_counted_beside_the_N5g_eir_ones_by_interface_and_result_code()
    {
        const string S13Operator = "MetricsS13Tel";
        const string N5gOperator = "MetricsS13N5gTel";
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var secret = await DeviceRegistry.Tests.Eir.EirOverloadTests.AddOperatorAsync(db, N5gOperator);
        Assert.Equal(0, (await Cli.RunAsync(db, "operator", "add", S13Operator)).ExitCode);
        var settings = DeviceRegistry.Tests.Eir.Diameter.S13PeerTests.PeerSettings();
        settings["Eir:Diameter:Peers:0:Operator"] = S13Operator;
        await using var web = RegistryWebFactory.On(db, settings);
        var address = web.StartKestrel();
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        await using var mme = await DeviceRegistry.Tests.Eir.Diameter.DiameterTestClient.ConnectAsync(
            web.Services.GetRequiredService<DeviceRegistry.Web.Eir.Diameter.DiameterPeerService>().Port);
        Assert.Equal(2001u, (await mme.ExchangeCapabilitiesAsync()).ResultCode);

        // A phone never seen, on a home SIM: GREYLISTED (its window starts) over both interfaces.
        for (var i = 0; i < 2; i++)
        {
            var eca = await mme.CheckAsync(NewPhone, HomeSim);
            Assert.Equal((2001u, 2u), (eca.ResultCode, eca.EquipmentStatus));
        }

        Assert.Equal(5004u, (await mme.CheckAsync("3510000000001x")).ResultCode);
        Assert.Equal("GREYLISTED", await AnswerAsync(client, $"pei={Pei(NewPhone)}&supi=imsi-{HomeSim}"));

        var scrape = await ScrapeUntilAsync(client, s => s.Value("devreg_eir_checks_total", ("interface", "s13"), ("operator", S13Operator), ("answer", "REFUSED")) == 1);
        Assert.Equal(2, scrape.Value("devreg_eir_checks_total", ("interface", "s13"), ("operator", S13Operator), ("answer", "GREYLISTED"), ("status", "2001")));
        Assert.Equal(1, scrape.Value("devreg_eir_checks_total", ("interface", "s13"), ("operator", S13Operator), ("answer", "REFUSED"), ("status", "5004")));
        Assert.Equal(1, scrape.Value("devreg_eir_checks_total", ("interface", "n5g-eir"), ("operator", N5gOperator), ("answer", "GREYLISTED"), ("status", "200")));
        Assert.Equal(3, scrape.Value("devreg_eir_check_duration_seconds_count", ("operator", S13Operator), ("request", "s13")));
    }

    [Fact]
    public void Counting_and_timing_a_check_allocate_nothing_while_the_sdk_aggregates_them()
    {
        using var exporter = new DiscardingExporter();
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(RegistryTelemetry.Name)
            .AddReader(new PeriodicExportingMetricReader(exporter, exportIntervalMilliseconds: int.MaxValue))
            .Build();
        var operatorName = "AllocationTel";
        var started = Stopwatch.GetTimestamp();
        void CheckOnce()
        {
            EirCheckMetrics.Count(operatorName, EquipmentStatus.Whitelisted, 200);
            EirCheckMetrics.Count(operatorName, EquipmentStatus.Unknown, 404);
            EirCheckMetrics.Count(RegistryTelemetry.NoOperator, null, 401);
            EirCheckMetrics.Time(operatorName, batch: false, started);
        }

        // The first measurements of a series create it; the ones after are what every check costs.
        for (var i = 0; i < 100; i++)
        {
            CheckOnce();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            CheckOnce();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }

    private static async Task<int> SeenImeisAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.SeenImeis.CountAsync();
    }

    private static async Task<HttpStatusCode> StatusCodeAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri("/n5g-eir-eic/v1/equipment-status?" + query, UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<string> AnswerAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri("/n5g-eir-eic/v1/equipment-status?" + query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>Scrapes /metrics until <paramref name="done"/> holds (the exporter caches a scrape for a moment), at most 30 s.</summary>
    private static async Task<Scrape> ScrapeUntilAsync(HttpClient client, Func<Scrape, bool> done)
    {
        Scrape scrape;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            scrape = new Scrape(await response.Content.ReadAsStringAsync());
            if (done(scrape))
            {
                return scrape;
            }

            await Task.Delay(200);
        }
        while (waited.Elapsed < TimeSpan.FromSeconds(30));

        return scrape;
    }

    /// <summary>The Prometheus text format: one sample a line, <c>name{label="value",…} value [timestamp]</c>.</summary>
    private sealed class Scrape(string text)
    {
        public string Text { get; } = text;

        /// <summary>The one sample of <paramref name="name"/> with these labels (among others), or null when there is none.</summary>
        public double? Value(string name, params (string Label, string Value)[] labels)
        {
            var found = new List<double>();
            foreach (var line in Text.Split('\n'))
            {
                if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
                {
                    continue;
                }

                var rest = line[name.Length..];
                var present = new Dictionary<string, string>(StringComparer.Ordinal);
                if (rest.StartsWith('{'))
                {
                    var close = rest.IndexOf('}', StringComparison.Ordinal);
                    foreach (var pair in rest[1..close].Split("\",", StringSplitOptions.RemoveEmptyEntries))
                    {
                        var equals = pair.IndexOf('=', StringComparison.Ordinal);
                        present[pair[..equals]] = pair[(equals + 1)..].Trim('"');
                    }

                    rest = rest[(close + 1)..];
                }

                if (labels.All(l => present.TryGetValue(l.Label, out var v) && v == l.Value))
                {
                    found.Add(double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture));
                }
            }

            Assert.True(found.Count <= 1, $"{found.Count} samples of {name} with {string.Join(", ", labels)}");
            return found.Count == 0 ? null : found[0];
        }
    }
}
