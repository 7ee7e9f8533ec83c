using System.Globalization;
using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Eir;

/// <summary>
/// Records the EIR's answers on <see cref="RegistryTelemetry.EirChecks"/> and <see cref="RegistryTelemetry.EirCheckDuration"/>
/// without allocating: the tags are the operator's name (a string the authenticator already holds), an answer word and
/// an HTTP status code's text from the table below, passed as KeyValuePair arguments (no params array, no boxing).
/// </summary>
public static class EirCheckMetrics
{
    public const string Unknown = "UNKNOWN";
    public const string Refused = "REFUSED";

    private static readonly string[] StatusTexts = Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static readonly KeyValuePair<string, object?> Single = new(RegistryTelemetry.Tags.Request, "single");
    private static readonly KeyValuePair<string, object?> Batch = new(RegistryTelemetry.Tags.Request, "batch");

    /// <summary>One answer: <paramref name="status"/> when the EIR decided (200 with its word, 404 unknown), else a refusal by its HTTP status.</summary>
    public static void Count(string operatorName, EquipmentStatus? status, int httpStatus)
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
        counter.Add(1,
            new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Operator, operatorName),
            new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Answer, answer),
            new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Status, StatusText(httpStatus)));
    }

    /// <summary>The time of one request (a batch is one) since <paramref name="startTimestamp"/>.</summary>
    public static void Time(string operatorName, bool batch, long startTimestamp)
    {
        var histogram = RegistryTelemetry.EirCheckDuration;
        if (histogram.Enabled)
        {
            histogram.Record(RegistryTelemetry.SecondsSince(startTimestamp),
                new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Operator, operatorName), batch ? Batch : Single);
        }
    }

    private static string StatusText(int status) => (uint)status < (uint)StatusTexts.Length
        ? StatusTexts[status]
        : status.ToString(CultureInfo.InvariantCulture);
}
