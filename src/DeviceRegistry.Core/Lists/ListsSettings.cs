using System.Globalization;
using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Lists;

/// <summary>
/// The <c>Lists</c> section: the export's safety share and its schedule. Which operator runs each network (for
/// routing a SIM's exceptions and notifications to the operator of its MCC-MNC) is the registry's
/// <c>Registry:Networks</c>.
/// </summary>
public sealed class ListsSettings : ISettingsSection
{
    public const string Section = "Lists";

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

}
