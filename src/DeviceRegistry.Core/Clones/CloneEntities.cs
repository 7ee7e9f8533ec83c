using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Clones;

/// <summary>Values of <see cref="CloneStatus.Status"/>.</summary>
public static class CloneStatusValues
{
    /// <summary>The IMEI is a clone: only its allowed pairs may attach.</summary>
    public const string Clone = "Clone";

    /// <summary>A former verdict lifted (e.g. an appeal approved); kept for history.</summary>
    public const string Cleared = "Cleared";
}

/// <summary>The current clone verdict of an IMEI with the evidence it was given on.</summary>
public sealed class CloneStatus
{
    public long Imei { get; set; }

    public required string Status { get; set; }

    /// <summary>The as-of date of the detection run that first gave the current status.</summary>
    public DateOnly Since { get; set; }

    /// <summary>The name of the rule that matched.</summary>
    public required string Rule { get; set; }

    public int DistinctImsis { get; set; }

    public int DaysSeen { get; set; }

    /// <summary>Days in the rule's period on which two or more IMSIs were seen on the IMEI.</summary>
    public int OverlapDays { get; set; }

    /// <summary>OverlapDays / DaysSeen.</summary>
    public double OverlapShare { get; set; }

    /// <summary>
    /// Days in the rule's period on which two or more IMSIs were each in steady use (not in the first
    /// or last days of their use, where number changes and SIM replacements overlap).
    /// </summary>
    public int ConcurrentDays { get; set; }

    /// <summary>The most distinct IMSIs seen on the IMEI on one day of the rule's period.</summary>
    public int MaxDailyImsis { get; set; }

    public DateOnly FirstSeen { get; set; }

    public DateOnly LastSeen { get; set; }

    /// <summary>The earliest IMSI seen on the IMEI: the presumed genuine owner.</summary>
    public string? GenuineImsi { get; set; }

    /// <summary>The as-of date of the latest run that confirmed or changed the status.</summary>
    public DateOnly AsOf { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>History: every change of an IMEI's clone status, never overwritten.</summary>
public sealed class CloneStatusChange
{
    public long Id { get; set; }

    public long Imei { get; set; }

    public required string Status { get; set; }

    public DateOnly AsOf { get; set; }

    public DateTime ChangedAt { get; set; }

    public string? Rule { get; set; }

    /// <summary>The evidence or the reason, as a short JSON or text.</summary>
    public string? Reason { get; set; }
}

/// <summary>An IMEI-IMSI pair allowed to keep attaching on a clone IMEI (the SIMs already on it when it was flagged).</summary>
public sealed class CloneAllowedPair
{
    public long Imei { get; set; }

    public required string Imsi { get; set; }

    public DateOnly Since { get; set; }
}

internal sealed class CloneStatusConfiguration : IEntityTypeConfiguration<CloneStatus>
{
    public void Configure(EntityTypeBuilder<CloneStatus> e)
    {
        e.ToTable("clone_statuses");
        e.HasKey(x => x.Imei);
        e.Property(x => x.Imei).ValueGeneratedNever();
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.Rule).HasMaxLength(100);
        e.Property(x => x.GenuineImsi).HasMaxLength(15);
    }
}

internal sealed class CloneStatusChangeConfiguration : IEntityTypeConfiguration<CloneStatusChange>
{
    public void Configure(EntityTypeBuilder<CloneStatusChange> e)
    {
        e.ToTable("clone_status_changes");
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.Rule).HasMaxLength(100);
        e.HasIndex(x => x.Imei);
    }
}

internal sealed class CloneAllowedPairConfiguration : IEntityTypeConfiguration<CloneAllowedPair>
{
    public void Configure(EntityTypeBuilder<CloneAllowedPair> e)
    {
        e.ToTable("clone_allowed_pairs");
        e.HasKey(x => new { x.Imei, x.Imsi });
        e.Property(x => x.Imsi).HasMaxLength(15);
    }
}

/// <summary>
/// An IMEI whose sightings were merged since continuous detection last evaluated it; <see cref="Touch"/> counts
/// the merges, so the job can tell a row it read from one touched again meanwhile (<see cref="CloneDetectionQueue"/>).
/// </summary>
public sealed class CloneDetectionQueueEntry
{
    public long Imei { get; set; }

    public long Touch { get; set; }
}

internal sealed class CloneDetectionQueueEntryConfiguration : IEntityTypeConfiguration<CloneDetectionQueueEntry>
{
    public void Configure(EntityTypeBuilder<CloneDetectionQueueEntry> e)
    {
        e.ToTable("clone_detection_queue");
        e.HasKey(x => x.Imei);
        e.Property(x => x.Imei).ValueGeneratedNever();
    }
}
