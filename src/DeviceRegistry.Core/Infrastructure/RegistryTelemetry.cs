using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// The registry's own instruments, all in one place: the <see cref="Meter"/> and the <see cref="ActivitySource"/>
/// named <see cref="Name"/>, used by the EIR, ingest, detection and the scheduled jobs, in the web host and in devreg
/// alike (docs/operations.md, "Metrics and traces"). Names follow OpenTelemetry's dotted style; the Prometheus
/// exporter writes them with underscores, the unit suffix and <c>_total</c> on counters (devreg.eir.checks is
/// devreg_eir_checks_total). Tags carry operator names, answers, statuses, outcomes and job names only: never an
/// IMEI, IMSI or MSISDN. Recording costs nothing when no listener (the web host's meter provider) is attached.
/// </summary>
public static class RegistryTelemetry
{
    public const string Name = "DeviceRegistry";

    /// <summary>The tag value of an EIR answer given before the caller was known (401, 414, a path the API does not have).</summary>
    public const string NoOperator = "none";

    /// <summary>The standard OpenTelemetry variable; when set (to a collector's URL), traces are exported over OTLP.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static readonly Meter Meter = new(Name, Version());

    public static readonly ActivitySource ActivitySource = new(Name, Version());

    /// <summary>Seconds; from 50 µs (an answer from the index) to 5 s (a request stuck behind a saturated host).</summary>
    private static readonly double[] EirBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Seconds; from 10 ms (an empty queued detection) to an hour (a national day file).</summary>
    private static readonly double[] RunBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600];

    /// <summary>
    /// EIR answers, one per check (each check of a batch on its own): tags interface, operator, answer, status. Counted
    /// by <see cref="Eir.EirCheckMetrics"/> in its own striped tallies and read from them at each collection, so the
    /// attach check does not pay the SDK's per-measurement aggregation (docs/benchmarks.md, "The EIR's counter
    /// tallied in place"). The exported series are those of a counter: a cumulative sum, devreg_eir_checks_total.
    /// </summary>
    public static readonly ObservableCounter<long> EirChecks = Meter.CreateObservableCounter("devreg.eir.checks",
        Eir.EirCheckMetrics.Observe, "{check}",
        "EIR answers by operator, answer (WHITELISTED, BLACKLISTED, GREYLISTED, UNKNOWN, REFUSED) and HTTP status");

    /// <summary>EIR request time in the handler, per request (a batch is one): tags operator, request (single, batch).</summary>
    public static readonly Histogram<double> EirCheckDuration = Seconds("devreg.eir.check.duration", EirBuckets,
        "Time to answer an EIR request, from the handler's start to the answer written");

    /// <summary>Attach-log files by outcome (accepted, rejected, missing, failed).</summary>
    public static readonly Counter<long> IngestFiles = Meter.CreateCounter<long>("devreg.ingest.files", "{file}",
        "Attach-log files ingested, by outcome");

    /// <summary>Rows read from attach-log files (good and bad, accepted files or not).</summary>
    public static readonly Counter<long> IngestRowsRead = Meter.CreateCounter<long>("devreg.ingest.rows.read", "{row}",
        "Attach-log rows read");

    /// <summary>Good rows of accepted files: merged into the sightings store.</summary>
    public static readonly Counter<long> IngestRowsMerged = Meter.CreateCounter<long>("devreg.ingest.rows.merged", "{row}",
        "Attach-log rows merged into the sightings store (the good rows of accepted files)");

    /// <summary>Bad rows (written to the file's rejects file), tagged with the outcome of their file.</summary>
    public static readonly Counter<long> IngestRowsRejected = Meter.CreateCounter<long>("devreg.ingest.rows.rejected", "{row}",
        "Attach-log rows rejected as bad, by the outcome of their file");

    public static readonly Histogram<double> IngestDuration = Seconds("devreg.ingest.duration", RunBuckets,
        "Time to ingest one attach-log file, by outcome");

    /// <summary>Detection runs: tags scope (full, queued), outcome (completed, refused by the safety check, failed).</summary>
    public static readonly Counter<long> DetectionRuns = Meter.CreateCounter<long>("devreg.detection.runs", "{run}",
        "Clone detection runs, by scope and outcome");

    public static readonly Histogram<double> DetectionDuration = Seconds("devreg.detection.duration", RunBuckets,
        "Time of a clone detection run, by scope and outcome");

    /// <summary>Verdicts of completed runs: tags scope, verdict (new_clone, reflagged, still_clone, not_clone).</summary>
    public static readonly Counter<long> DetectionVerdicts = Meter.CreateCounter<long>("devreg.detection.verdicts", "{imei}",
        "IMEIs by what a detection run found: a new clone, a cleared clone flagged again, a clone already, no clone");

    /// <summary>Scheduled job firings: tags job (the Quartz job name), outcome (succeeded, failed).</summary>
    public static readonly Counter<long> JobRuns = Meter.CreateCounter<long>("devreg.job.runs", "{run}",
        "Scheduled job runs, by job and outcome");

    public static readonly Histogram<double> JobDuration = Seconds("devreg.job.duration", RunBuckets,
        "Time of a scheduled job run, by job and outcome");

    private static readonly List<ISightingsQueueGauge> Queues = [];

    static RegistryTelemetry()
    {
        Meter.CreateObservableGauge("devreg.eir.sightings.pending", ObservePending, "{sighting}",
            "EIR check sightings accepted but not yet written to the store");
        Meter.CreateObservableGauge("devreg.eir.sightings.flush_lag", ObserveLag, "s",
            "Age of the oldest unwritten EIR check sighting (an upper bound; 0 when none is pending)");
    }

    /// <summary>The tag names, spelled once.</summary>
    public static class Tags
    {
        public const string Operator = "operator";
        public const string Answer = "answer";
        public const string Status = "status";
        public const string Request = "request";
        public const string Outcome = "outcome";
        public const string Scope = "scope";
        public const string Verdict = "verdict";
        public const string Job = "job";
        public const string Interface = "interface";
    }

    /// <summary>
    /// Makes <paramref name="queue"/> (the web host's sightings writer) what the sightings gauges read until the
    /// returned handle is disposed. Several at once (test hosts in one process) add up; the lag is the largest.
    /// </summary>
    public static IDisposable ObserveSightingsQueue(ISightingsQueueGauge queue)
    {
        lock (Queues)
        {
            Queues.Add(queue);
        }

        return new Registration(queue);
    }

    /// <summary>
    /// The OTLP endpoint traces go to (<see cref="OtlpEndpointVariable"/>, from the environment or configuration), or null:
    /// no exporter. Anything but an http:// or https:// URL stops the host with a message naming the variable.
    /// </summary>
    public static string? OtlpEndpoint(IConfiguration configuration)
    {
        if (configuration[OtlpEndpointVariable] is not { Length: > 0 } endpoint)
        {
            return null;
        }

        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? endpoint
            : throw new SettingsException([$"{OtlpEndpointVariable} is '{endpoint}'; it must be the collector's http:// or https:// URL (e.g. http://127.0.0.1:4317), or unset (no traces)"]);
    }

    /// <summary>Seconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>), for the histograms.</summary>
    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;

    private static Measurement<long> ObservePending()
    {
        long sum = 0;
        lock (Queues)
        {
            foreach (var queue in Queues)
            {
                sum += queue.Pending;
            }
        }

        return new Measurement<long>(sum);
    }

    private static Measurement<double> ObserveLag()
    {
        double lag = 0;
        lock (Queues)
        {
            foreach (var queue in Queues)
            {
                lag = Math.Max(lag, queue.FlushLagSeconds);
            }
        }

        return new Measurement<double>(lag);
    }

    private static Histogram<double> Seconds(string name, double[] buckets, string description) =>
        Meter.CreateHistogram<double>(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    private static string Version() => typeof(RegistryTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    private sealed class Registration(ISightingsQueueGauge queue) : IDisposable
    {
        public void Dispose()
        {
            lock (Queues)
            {
                Queues.Remove(queue);
            }
        }
    }
}

/// <summary>What the sightings gauges read from a writer of check sightings.</summary>
public interface ISightingsQueueGauge
{
    /// <summary>Sightings accepted but not yet written.</summary>
    long Pending { get; }

    /// <summary>The age of the oldest unwritten sighting in seconds (at most), 0 when none is pending.</summary>
    double FlushLagSeconds { get; }
}
