using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Eir;

/// <summary>
/// Records the EIR's answers on <see cref="RegistryTelemetry.EirChecks"/> and <see cref="RegistryTelemetry.EirCheckDuration"/>
/// without allocating: the tags are the operator's name (a string the authenticator already holds), an answer word and
/// an HTTP status code's (or a Diameter result code's) text from the table below, and the interface the check came
/// over (<c>n5g-eir</c> or <c>s13</c>), in a TagList or as KeyValuePair arguments (no array, no boxing).
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
    public static void Count(string operatorName, EquipmentStatus? status, int httpStatus) => Count(N5gEir, operatorName, status, httpStatus);

    /// <summary>One S13 answer (an ECA): <paramref name="status"/> when the EIR decided (2001 with its Equipment-Status, 5422 unknown), else a refusal by its result code.</summary>
    public static void CountS13(string operatorName, EquipmentStatus? status, uint resultCode) => Count(S13, operatorName, status, (int)resultCode);

    private static void Count(KeyValuePair<string, object?> api, string operatorName, EquipmentStatus? status, int code)
    {
        var counter = RegistryTelemetry.EirChecks;
        if (!counter.Enabled)
        {
            return;
        }

        var answer = status switch
        {
            EquipmentStatus.Whitelisted => EquipmentStatusWords.Whitelisted,
            EquipmentStatus.Blacklisted => EquipmentStatusWords.Blacklisted,
            EquipmentStatus.Greylisted => EquipmentStatusWords.Greylisted,
            EquipmentStatus.Unknown => Unknown,
            _ => Refused,
        };
        var tags = new TagList
        {
            api,
            new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Operator, operatorName),
            new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Answer, answer),
            new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Status, StatusText(code)),
        };
        counter.Add(1, in tags);
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
