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

    /// <summary>The roll-up of deferred ingests runs daily at midnight by default, before the registration enforcement (00:30).</summary>
    public const string DefaultRollUpCron = "0 0 0 * * ?";

    /// <summary>Quartz cron expression of the roll-up of deferred sightings (<see cref="DeferMerge"/>), in the registry's time zone.</summary>
    public string RollUpCron { get; set; } = DefaultRollUpCron;

    /// <summary>
    /// Append new sightings to sightings_pending (a bulk append) and leave the merge into the month rows, seen_imeis and
    /// the registration windows to the roll-up (<see cref="RollUpCron"/>, <c>devreg roll-up</c>): each ingested file's rows,
    /// and each batch of the EIR's check sightings. Off: each is merged as it is written. For national volumes (docs/scaling.md).
    /// </summary>
    public bool DeferMerge { get; set; }

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

        if (!Quartz.CronExpression.TryParse(RollUpCron, out _))
        {
            yield return $"{section}:RollUpCron is '{RollUpCron}'; it must be a Quartz cron expression such as \"{DefaultRollUpCron}\"";
        }
    }
}
