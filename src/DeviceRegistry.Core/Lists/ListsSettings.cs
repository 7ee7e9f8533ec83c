using System.Globalization;
using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Lists;

/// <summary>
/// The <c>Lists</c> section: which operator runs each home network (for routing a SIM's exceptions and
/// notifications to the operator of its MCC-MNC), read by <see cref="ListsExporter"/>.
/// </summary>
public sealed class ListsSettings : ISettingsSection
{
    public const string Section = "Lists";

    public const string NetworksKey = "Networks";

    /// <summary>Home network (MCC then MNC, 5 or 6 digits, e.g. 40001) → operator name, from <c>Lists:Networks:&lt;mccmnc&gt;</c>.</summary>
    public Dictionary<string, string> Networks { get; } = new(StringComparer.Ordinal);

    /// <summary>The largest share of a list's previous rows one export may change (its delta rows); more is refused unless forced.</summary>
    public double MaxChangeShare { get; set; } = 0.1;

    /// <summary>
    /// The time of day (HH:mm, in <c>Registry:TimeZone</c>) of the daily scheduled export (<see cref="ListsExportJob"/>);
    /// unset or empty: no scheduled export.
    /// </summary>
    public string? ExportTime { get; set; }

    /// <summary>Where the scheduled export also writes its files; unset: recorded only, for the operators' downloads.</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>The Quartz cron expression of <see cref="ExportTime"/> (seconds, minutes, hours: every day), or null when unset.</summary>
    public string? ExportCron => ParseTime(ExportTime) is { } at ? $"0 {at.Minute} {at.Hour} * * ?" : null;

    public IEnumerable<string> OtherKeys => [NetworksKey];

    public void BindOther(IConfigurationSection section, List<string> problems)
    {
        foreach (var child in section.GetSection(NetworksKey).GetChildren())
        {
            var key = $"{section.Path}:{NetworksKey}:{child.Key}";
            if (child.Key.Length is < 5 or > 6 || !child.Key.All(char.IsAsciiDigit))
            {
                problems.Add($"{key}: '{child.Key}' is not a network; the keys under {section.Path}:{NetworksKey} are MCC and MNC as one number (5 or 6 digits, e.g. 40001), each set to an operator name");
            }
            else if (string.IsNullOrWhiteSpace(child.Value))
            {
                problems.Add($"{key} must be an operator name (as in devreg operator add), not empty or a list");
            }
            else
            {
                Networks[child.Key] = child.Value.Trim();
            }
        }
    }

    public IEnumerable<string> Validate(string section)
    {
        if (!(MaxChangeShare is >= 0 and <= 1))
        {
            yield return $"{section}:MaxChangeShare is {MaxChangeShare}; it must be a share from 0 to 1 (0.1 = 10% of a list's rows)";
        }

        if (!string.IsNullOrEmpty(ExportTime) && ParseTime(ExportTime) is null)
        {
            yield return $"{section}:ExportTime is '{ExportTime}'; it must be a time of day HH:mm in the registry's time zone (e.g. 03:30), or empty for no scheduled export";
        }

        if (ExportDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            yield return $"{section}:ExportDirectory is blank; leave it unset to record the scheduled exports only";
        }
    }

    private static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;

    /// <summary>The operator whose network the IMSI belongs to (longest matching MCC-MNC), or null for a SIM of no listed network.</summary>
    public string? OperatorOf(string imsi)
    {
        string? best = null;
        var bestLength = 0;
        foreach (var (network, name) in Networks)
        {
            if (network.Length > bestLength && imsi.StartsWith(network, StringComparison.Ordinal))
            {
                best = name;
                bestLength = network.Length;
            }
        }

        return best;
    }
}
