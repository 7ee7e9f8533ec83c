using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Stolen;

/// <summary>
/// A stolen case's status (DIRBS LSDS's vocabulary). A report blocks at once, so a case starts Blocked; it is
/// Recovered once every IMEI it covers is recovered. (LSDS's Pending, a report awaiting approval, has no use here:
/// the report is entered by the police or an operator the registry trusts, and the device must be refused now.)
/// </summary>
public enum StolenCaseStatus
{
    Blocked,
    Recovered,
}

/// <summary>What happened to a case, in its history.</summary>
public enum StolenCaseEventKind
{
    /// <summary>The case was reported (the actor is who entered it; the detail is who reported it).</summary>
    Reported,

    /// <summary>One IMEI of the case was blocked in the EIR.</summary>
    Blocked,

    /// <summary>One IMEI of the case was recovered and its block lifted.</summary>
    Recovered,
}

/// <summary>
/// A lost or stolen device's report: its case number (as the police or the operator gave it, unique), the IMEIs it
/// covers, who reported it and when. The EIR's stolen bit is the <see cref="Registrations.ImeiBlock"/> with reason
/// Stolen that the case's commands add and lift in the same transaction.
/// </summary>
public sealed class StolenCase
{
    public long Id { get; set; }

    public required string CaseNumber { get; set; }

    /// <summary>Free text: a police station, an operator, the owner.</summary>
    public required string ReportedBy { get; set; }

    public DateTime ReportedAt { get; set; }

    /// <summary>The staff user (or console user) who entered the report.</summary>
    public required string EnteredBy { get; set; }

    public StolenCaseStatus Status { get; set; }

    public DateTime? RecoveredAt { get; set; }

    public string? RecoveredBy { get; set; }

    public List<StolenCaseImei> Imeis { get; set; } = [];

    public List<StolenCaseEvent> Events { get; set; } = [];
}

/// <summary>One IMEI of a case; open (blocked) while <see cref="RecoveredAt"/> is null. An IMEI is in at most one open case.</summary>
public sealed class StolenCaseImei
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public long Imei { get; set; }

    public DateTime BlockedAt { get; set; }

    public DateTime? RecoveredAt { get; set; }

    public string? RecoveredBy { get; set; }
}

/// <summary>A line of a case's history: what, on which IMEI (none for the report itself), by whom, when.</summary>
public sealed class StolenCaseEvent
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public DateTime At { get; set; }

    public StolenCaseEventKind Kind { get; set; }

    public long? Imei { get; set; }

    public required string Actor { get; set; }

    public string? Detail { get; set; }
}

internal sealed class StolenCaseConfiguration : IEntityTypeConfiguration<StolenCase>
{
    public void Configure(EntityTypeBuilder<StolenCase> e)
    {
        e.ToTable("stolen_cases");
        e.Property(x => x.CaseNumber).HasMaxLength(StolenLimits.CaseNumberLength);
        e.Property(x => x.ReportedBy).HasMaxLength(StolenLimits.ReportedByLength);
        e.Property(x => x.EnteredBy).HasMaxLength(256);
        e.Property(x => x.RecoveredBy).HasMaxLength(256);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => x.CaseNumber).IsUnique();
        e.HasIndex(x => new { x.Status, x.Id });
        e.HasMany(x => x.Imeis).WithOne().HasForeignKey(x => x.CaseId);
        e.HasMany(x => x.Events).WithOne().HasForeignKey(x => x.CaseId);
    }
}

internal sealed class StolenCaseImeiConfiguration : IEntityTypeConfiguration<StolenCaseImei>
{
    public void Configure(EntityTypeBuilder<StolenCaseImei> e)
    {
        e.ToTable("stolen_case_imeis");
        e.Property(x => x.RecoveredBy).HasMaxLength(256);
        e.HasIndex(x => new { x.CaseId, x.Imei }).IsUnique();
        // One open case per IMEI, kept by the database too (two reports racing on PostgreSQL).
        e.HasIndex(x => x.Imei).IsUnique().HasFilter("recovered_at IS NULL").HasDatabaseName("ix_stolen_case_imeis_open_imei");
    }
}

internal sealed class StolenCaseEventConfiguration : IEntityTypeConfiguration<StolenCaseEvent>
{
    public void Configure(EntityTypeBuilder<StolenCaseEvent> e)
    {
        e.ToTable("stolen_case_events");
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Actor).HasMaxLength(256);
        e.Property(x => x.Detail).HasMaxLength(StolenLimits.ReportedByLength);
        e.HasIndex(x => new { x.CaseId, x.Id });
    }
}

/// <summary>The sizes a report is held to (the columns and the validator share them).</summary>
public static class StolenLimits
{
    public const int CaseNumberLength = 64;
    public const int ReportedByLength = 200;

    /// <summary>The most IMEIs one report may cover (a shop's stock stolen at once is several reports' worth).</summary>
    public const int ImeisPerReport = 100;

    /// <summary>The <see cref="Data.ImeiChange.Source"/> of the case commands' changes.</summary>
    public const string ChangeSource = "stolen";
}
