using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Sightings;

/// <summary>
/// The <c>Ingest</c> section. Timestamps count on their date in the registry's time zone
/// (<c>Registry:TimeZone</c>), like every other date of the registry.
/// </summary>
public sealed class IngestSettings : ISettingsSection
{
    public const string Section = "Ingest";

    /// <summary>How many distinct sighting keys are aggregated in memory before a chunk is merged (about 120 bytes each).</summary>
    public int BufferSize { get; set; } = 500_000;

    public IEnumerable<string> Validate(string section)
    {
        if (BufferSize < 1)
        {
            yield return $"{section}:BufferSize is {BufferSize}; it must be a whole number of at least 1";
        }
    }
}

/// <summary>The <c>Sightings</c> section: how long sightings are kept, and when the web host drops older months.</summary>
public sealed class SightingsSettings : ISettingsSection
{
    public const string Section = "Sightings";

    /// <summary>The sightings retention runs monthly by default: dropping a month is the unit of retention.</summary>
    public const string DefaultRetentionCron = "0 0 2 1 * ?";

    /// <summary>Months kept before the current one.</summary>
    public int RetentionMonths { get; set; } = 6;

    /// <summary>Quartz cron expression of the retention job, in the registry's time zone.</summary>
    public string RetentionCron { get; set; } = DefaultRetentionCron;

    public IEnumerable<string> Validate(string section)
    {
        if (RetentionMonths < 1)
        {
            yield return $"{section}:RetentionMonths is {RetentionMonths}; it must be a whole number of months, at least 1";
        }

        if (!Quartz.CronExpression.TryParse(RetentionCron, out _))
        {
            yield return $"{section}:RetentionCron is '{RetentionCron}'; it must be a Quartz cron expression such as \"{DefaultRetentionCron}\"";
        }
    }
}
