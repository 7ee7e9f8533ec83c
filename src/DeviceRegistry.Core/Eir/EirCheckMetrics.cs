using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Numerics;
using System.Globalization;
using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Eir;

/// <summary>
/// Records the EIR's answers on <see cref="RegistryTelemetry.EirChecks"/> and <see cref="RegistryTelemetry.EirCheckDuration"/>
/// without allocating: the tags are the operator's name (a string the authenticator already holds), an answer word and
/// an HTTP status code's (or a Diameter result code's) text from the table below, and the interface the check came
/// over (<c>n5g-eir</c> or <c>s13</c>). The answers are tallied here, per series, and read by the counter at each
/// collection; the times go to the histogram as KeyValuePair arguments (no array, no boxing).
/// </summary>
public static class EirCheckMetrics
{
    public const string Unknown = "UNKNOWN";
    public const string Refused = "REFUSED";

    private static readonly string[] StatusTexts = Enumerable.Range(0, 6000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static readonly KeyValuePair<string, object?> Single = new(RegistryTelemetry.Tags.Request, "single");
    private static readonly KeyValuePair<string, object?> Batch = new(RegistryTelemetry.Tags.Request, "batch");
    private static readonly KeyValuePair<string, object?> S13Request = new(RegistryTelemetry.Tags.Request, "s13");

    private static readonly KeyValuePair<string, object?> N5gEir = new(RegistryTelemetry.Tags.Interface, "n5g-eir");
    private static readonly KeyValuePair<string, object?> S13 = new(RegistryTelemetry.Tags.Interface, "s13");

    /// <summary>One N5g-eir answer: <paramref name="status"/> when the EIR decided (200 with its word, 404 unknown), else a refusal by its HTTP status.</summary>
    public static void Count(string operatorName, EquipmentStatus? status, int httpStatus) => Count(s13: false, operatorName, status, httpStatus);

    /// <summary>One S13 answer (an ECA): <paramref name="status"/> when the EIR decided (2001 with its Equipment-Status, 5422 unknown), else a refusal by its result code.</summary>
    public static void CountS13(string operatorName, EquipmentStatus? status, uint resultCode) => Count(s13: true, operatorName, status, (int)resultCode);

    private static void Count(bool s13, string operatorName, EquipmentStatus? status, int code)
    {
        if (!RegistryTelemetry.EirChecks.Enabled)
        {
            return;
        }

        var answer = status switch
        {
            EquipmentStatus.Whitelisted => 0,
            EquipmentStatus.Blacklisted => 1,
            EquipmentStatus.Greylisted => 2,
            EquipmentStatus.Unknown => 3,
            _ => 4,
        };
        var key = new SeriesKey(operatorName, s13, answer, code);
        if (!Series.TryGetValue(key, out var tally))
        {
            tally = Series.GetOrAdd(key, static k => new Tally(k));
        }

        tally.Increment();
    }

    /// <summary>
    /// The counter's collection callback (<see cref="RegistryTelemetry.EirChecks"/>): each series' running total. A
    /// series, once seen, is reported until the process ends, as a counter's is.
    /// </summary>
    internal static IEnumerable<Measurement<long>> Observe()
    {
        foreach (var tally in Series.Values)
        {
            yield return new Measurement<long>(tally.Total(), tally.Tags);
        }
    }

    private static readonly ConcurrentDictionary<SeriesKey, Tally> Series = new();

    private static readonly string[] AnswerWords =
        [EquipmentStatusWords.Whitelisted, EquipmentStatusWords.Blacklisted, EquipmentStatusWords.Greylisted, Unknown, Refused];

    private readonly record struct SeriesKey(string Operator, bool S13, int Answer, int Code);

    /// <summary>
    /// One series' count, striped over cache-line-wide cells by the current processor so that checks on different
    /// cores do not contend for one line; the total is the cells' sum.
    /// </summary>
    private sealed class Tally
    {
        private const int CellStride = 8; // eight longs: one 64-byte cache line per cell
        private static readonly int Cells = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64));

        private readonly long[] _counts = new long[(Cells + 1) * CellStride];

        public Tally(SeriesKey key) => Tags =
        [
            key.S13 ? S13 : N5gEir,
            new(RegistryTelemetry.Tags.Operator, key.Operator),
            new(RegistryTelemetry.Tags.Answer, AnswerWords[key.Answer]),
            new(RegistryTelemetry.Tags.Status, StatusText(key.Code)),
        ];

        public KeyValuePair<string, object?>[] Tags { get; }

        public void Increment()
        {
            var cell = Thread.GetCurrentProcessorId() & (Cells - 1);
            Interlocked.Increment(ref _counts[(cell + 1) * CellStride]);
        }

        public long Total()
        {
            long total = 0;
            for (var cell = 0; cell < Cells; cell++)
            {
                total += Volatile.Read(ref _counts[(cell + 1) * CellStride]);
            }

            return total;
        }
    }

    /// <summary>The time of one N5g-eir request (a batch is one) since <paramref name="startTimestamp"/>.</summary>
    public static void Time(string operatorName, bool batch, long startTimestamp) => Time(operatorName, batch ? Batch : Single, startTimestamp);

    /// <summary>The time of one S13 ME-Identity-Check since <paramref name="startTimestamp"/>, from its ECR read to its ECA written.</summary>
    public static void TimeS13(string operatorName, long startTimestamp) => Time(operatorName, S13Request, startTimestamp);

    private static void Time(string operatorName, KeyValuePair<string, object?> request, long startTimestamp)
    {
        var histogram = RegistryTelemetry.EirCheckDuration;
        if (histogram.Enabled)
        {
            histogram.Record(RegistryTelemetry.SecondsSince(startTimestamp),
                new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Operator, operatorName), request);
        }
    }

    private static string StatusText(int status) => (uint)status < (uint)StatusTexts.Length
        ? StatusTexts[status]
        : status.ToString(CultureInfo.InvariantCulture);
}
