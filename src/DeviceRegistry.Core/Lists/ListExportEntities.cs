using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Lists;

/// <summary>One export of the operators' lists: its as-of date, whose lists (null: every operator's), whether forced, and the row counts.</summary>
public sealed class ListExportRun
{
    public long Id { get; set; }

    public DateOnly AsOf { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? Operator { get; set; }

    /// <summary>Written with --force past the change-share refusal.</summary>
    public bool Forced { get; set; }

    public int BlacklistRows { get; set; }

    public int ExceptionsRows { get; set; }

    public int NotificationsRows { get; set; }

    public List<ListExportFile> Files { get; set; } = [];
}

/// <summary>A file an export wrote (lists and deltas): its rows, SHA-256 (hex, lower case) and content, the next export's base.</summary>
public sealed class ListExportFile
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public required string Name { get; set; }

    public int Rows { get; set; }

    public required string Sha256 { get; set; }

    public required string Content { get; set; }
}

internal sealed class ListExportRunConfiguration : IEntityTypeConfiguration<ListExportRun>
{
    public void Configure(EntityTypeBuilder<ListExportRun> e)
    {
        e.ToTable("list_export_runs");
        e.Property(x => x.Operator).HasMaxLength(100);
        e.HasMany(x => x.Files).WithOne().HasForeignKey(x => x.RunId);
    }
}

internal sealed class ListExportFileConfiguration : IEntityTypeConfiguration<ListExportFile>
{
    public void Configure(EntityTypeBuilder<ListExportFile> e)
    {
        e.ToTable("list_export_files");
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.HasIndex(x => new { x.Name, x.RunId }).IsUnique();
    }
}
