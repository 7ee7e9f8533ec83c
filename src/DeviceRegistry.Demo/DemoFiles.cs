using System.Globalization;
using System.Text;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Demo;

/// <summary>
/// Writes a demo data set as an attach log in the attach-log CSV format (docs/reference.md) and a labels file. The IMEI is
/// written the way each operator's network sends it: Azercell 15 digits with the Luhn check digit,
/// Bakcell 15 digits with the check digit sent as 0, Nar the 16-digit IMEISV.
/// </summary>
public static class DemoFiles
{
    public const string AttachLogName = "attach-log.csv";
    public const string LabelsName = "labels.csv";

    private static readonly string[] Rats = ["4G", "4G", "4G", "5G", "3G", "2G"];

    /// <summary>The attach log(s) and labels of a data set; DIRBS-shaped data has one file per operator (no operator column).</summary>
    public sealed record WrittenFiles(IReadOnlyList<(string Path, string? Operator)> Logs, string Labels);

    /// <summary>Writes a local-time or UTC data set: one attach log and the labels.</summary>
    public static (string AttachLog, string Labels) Write(DemoDataSet data, string directory)
    {
        if (data.Settings.Shape == DemoFileShape.DirbsDates)
        {
            throw new ArgumentException("DIRBS-shaped data is one file per operator: use WriteAll", nameof(data));
        }

        var files = WriteAll(data, directory);
        return (files.Logs[0].Path, files.Labels);
    }

    public static WrittenFiles WriteAll(DemoDataSet data, string directory)
    {
        Directory.CreateDirectory(directory);
        var labels = Path.Combine(directory, LabelsName);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var imeiText = data.Imeis.Select(k => new Imei(k)).ToArray();
        var dirbs = data.Settings.Shape == DemoFileShape.DirbsDates;
        var logs = new List<(string Path, string? Operator)>();
        var writers = new Dictionary<string, StreamWriter>(StringComparer.Ordinal);
        try
        {
            foreach (var row in data.Rows)
            {
                var sim = data.Sims[row.SimIndex];
                var key = dirbs ? sim.Operator : "";
                if (!writers.TryGetValue(key, out var writer))
                {
                    var path = Path.Combine(directory, dirbs ? $"dirbs-{sim.Operator.ToLowerInvariant()}.csv" : AttachLogName);
                    writer = new StreamWriter(path, append: false, utf8, 1 << 16);
                    writer.Write(dirbs ? "date,imei,imsi,msisdn\n" : "timestamp,imei,imsi,msisdn,operator,rat\n");
                    writers.Add(key, writer);
                    logs.Add((path, dirbs ? sim.Operator : null));
                }

                var imei = imeiText[row.ImeiIndex];
                // Deterministic (HashCode is seeded per process), so the same seed writes the same file.
                var hash = Mix((uint)row.Day, (uint)row.ImeiIndex, (uint)row.SimIndex);
                var date = data.Start.AddDays(row.Day);
                var seconds = (int)(hash % 86_400);
                if (dirbs)
                {
                    writer.Write(date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
                    writer.Write(',');
                }
                else
                {
                    writer.Write(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    var zone = data.Settings.Shape == DemoFileShape.UtcTimestamps ? "Z" : "+04:00";
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"T{seconds / 3600:D2}:{seconds / 60 % 60:D2}:{seconds % 60:D2}{zone},"));
                }

                writer.Write(sim.Operator switch
                {
                    "Azercell" => imei.WithCheckDigit,
                    "Bakcell" => imei + "0",
                    _ => imei + ((hash >> 8) % 3 + 1).ToString("D2", CultureInfo.InvariantCulture),
                });
                writer.Write(',');
                writer.Write(sim.Imsi);
                writer.Write(',');
                writer.Write(sim.Msisdn);
                if (!dirbs)
                {
                    writer.Write(',');
                    writer.Write(sim.Operator);
                    writer.Write(',');
                    writer.Write(Rats[(hash >> 16) % Rats.Length]);
                }

                writer.Write('\n');
            }
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }

        using (var writer = new StreamWriter(labels, append: false, utf8))
        {
            writer.Write("imei,pattern,is_clone,users\n");
            foreach (var label in data.Labels.OrderBy(l => l.Imei))
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{new Imei(label.Imei)},{label.Pattern},{(label.IsClone ? "true" : "false")},{label.Users}\n"));
            }
        }

        return new WrittenFiles(logs, labels);
    }

    /// <summary>
    /// Times are written in Baku local time (+04:00): the generator's days are local days, the days
    /// the ingest counts in (Registry:TimeZone, Asia/Baku by default).
    /// </summary>
    private static uint Mix(uint day, uint imei, uint sim)
    {
        var h = (day * 0x9E3779B1u) ^ (imei * 0x85EBCA77u) ^ (sim * 0xC2B2AE3Du);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        return h;
    }
}
