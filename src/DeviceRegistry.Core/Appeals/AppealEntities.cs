using DeviceRegistry.Registrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Appeals;

/// <summary>Where an appeal stands. DIRBS's request states, with a step of our own for the second person.</summary>
public enum AppealStatus
{
    /// <summary>Filed by a clerk, not yet taken by a reviewer.</summary>
    New,

    /// <summary>A reviewer has it.</summary>
    InReview,

    /// <summary>Sent back to the clerk's office with a question; the service-level clock keeps running.</summary>
    InformationRequested,

    /// <summary>A reviewer proposed lifting the clone verdict; a supervisor (another person) must confirm it.</summary>
    AwaitingConfirmation,

    /// <summary>Decided for the applicant: paired or lifted. Final.</summary>
    Approved,

    /// <summary>Decided against the applicant, with a reason. Final.</summary>
    Rejected,

    /// <summary>Withdrawn at the applicant's request before a decision. Final.</summary>
    Closed,
}

/// <summary>What the applicant says happened.</summary>
public enum AppealReason
{
    NumberChange,
    SimReplaced,
    BoughtSecondHand,
    DeviceIsMine,
    Other,
}

/// <summary>The decision an approved or rejected appeal carries.</summary>
public enum AppealOutcome
{
    /// <summary>The applicant's SIMs joined the IMEI's allowed pairs; other new SIMs stay refused.</summary>
    Paired,

    /// <summary>The clone verdict was cleared (proposed by a reviewer, confirmed by a supervisor).</summary>
    Lifted,

    /// <summary>Unfounded.</summary>
    Rejected,
}

/// <summary>Entries of an appeal's trail: comments and every change of hands or state.</summary>
public enum AppealEventKind
{
    Filed,
    Assigned,
    Comment,
    InformationRequested,
    InformationProvided,
    Paired,
    LiftProposed,
    LiftConfirmed,
    LiftReturned,
    Rejected,
    Closed,
    AttachmentAdded,
}

/// <summary>A citizen's appeal against the clone verdict on one IMEI, filed at a post office.</summary>
public sealed class Appeal
{
    public long Id { get; set; }

    /// <summary>What the citizen is given to follow the appeal (public page and API), e.g. "AP-7K3Q-9X2M".</summary>
    public required string TrackingNumber { get; set; }

    /// <summary>The 14-digit IMEI key.</summary>
    public long Imei { get; set; }

    public AppealStatus Status { get; set; }

    public AppealReason Reason { get; set; }

    public string? ReasonText { get; set; }

    public OwnerDocumentType ApplicantDocumentType { get; set; }

    public required string ApplicantDocumentNumber { get; set; }

    public required string ApplicantName { get; set; }

    /// <summary>The number the decision SMS goes to (international digits, e.g. 994501234567).</summary>
    public required string ApplicantContact { get; set; }

    /// <summary>The language of the applicant's SMS: az, en or ru.</summary>
    public required string Language { get; set; }

    /// <summary>The post office that filed it.</summary>
    public required string Office { get; set; }

    public required string FiledById { get; set; }

    public DateTime FiledAt { get; set; }

    /// <summary>The service-level deadline: filed date plus the configured working days.</summary>
    public DateOnly DueOn { get; set; }

    public string? AssignedToId { get; set; }

    public DateTime? AssignedAt { get; set; }

    public AppealOutcome? Outcome { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>The reviewer who decided (or proposed the lift).</summary>
    public string? DecidedById { get; set; }

    public DateTime? DecidedAt { get; set; }

    /// <summary>The supervisor who confirmed a lift.</summary>
    public string? ConfirmedById { get; set; }

    public DateTime? ConfirmedAt { get; set; }

    /// <summary>When the appeal reached a final state (Approved, Rejected, Closed).</summary>
    public DateTime? ClosedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: two people acting on one appeal at once cannot both win.</summary>
    public int Version { get; set; }

    public List<AppealNumber> Numbers { get; set; } = [];

    public static bool IsOpen(AppealStatus status) => status is AppealStatus.New or AppealStatus.InReview
        or AppealStatus.InformationRequested or AppealStatus.AwaitingConfirmation;
}

/// <summary>A phone number the applicant uses in the phone (the SIMs the appeal is about).</summary>
public sealed class AppealNumber
{
    public long AppealId { get; set; }

    /// <summary>International digits, e.g. 994501234567.</summary>
    public required string Msisdn { get; set; }
}

/// <summary>A photo or scan handed in with the appeal (the box, the invoice), kept with its SHA-256.</summary>
public sealed class AppealAttachment
{
    public long Id { get; set; }

    public long AppealId { get; set; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public long Length { get; set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>.</summary>
    public required string Sha256 { get; set; }

    public required byte[] Content { get; set; }

    public required string UploadedById { get; set; }

    public DateTime UploadedAt { get; set; }
}

/// <summary>One entry of an appeal's trail. Append-only: the database refuses UPDATE and DELETE.</summary>
public sealed class AppealEvent
{
    public long Id { get; set; }

    public long AppealId { get; set; }

    public DateTime At { get; set; }

    public required string ActorId { get; set; }

    public required string ActorName { get; set; }

    public AppealEventKind Kind { get; set; }

    /// <summary>The appeal's status after the entry.</summary>
    public AppealStatus Status { get; set; }

    public string? Text { get; set; }
}

internal sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> e)
    {
        e.ToTable("appeals");
        e.HasIndex(x => x.TrackingNumber).IsUnique();
        e.HasIndex(x => x.Imei);
        e.HasIndex(x => new { x.Status, x.FiledAt });
        e.HasIndex(x => new { x.Office, x.Status, x.FiledAt });
        e.HasIndex(x => x.AssignedToId);
        e.HasIndex(x => x.FiledAt);
        e.Property(x => x.TrackingNumber).HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(30);
        e.Property(x => x.ReasonText).HasMaxLength(2000);
        e.Property(x => x.ApplicantDocumentType).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.ApplicantDocumentNumber).HasMaxLength(50);
        e.Property(x => x.ApplicantName).HasMaxLength(200);
        e.Property(x => x.ApplicantContact).HasMaxLength(15);
        e.Property(x => x.Language).HasMaxLength(2);
        e.Property(x => x.Office).HasMaxLength(100);
        e.Property(x => x.FiledById).HasMaxLength(450);
        e.Property(x => x.AssignedToId).HasMaxLength(450);
        e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.DecisionReason).HasMaxLength(2000);
        e.Property(x => x.DecidedById).HasMaxLength(450);
        e.Property(x => x.ConfirmedById).HasMaxLength(450);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasMany(x => x.Numbers).WithOne().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppealNumberConfiguration : IEntityTypeConfiguration<AppealNumber>
{
    public void Configure(EntityTypeBuilder<AppealNumber> e)
    {
        e.ToTable("appeal_numbers");
        e.HasKey(x => new { x.AppealId, x.Msisdn });
        e.Property(x => x.Msisdn).HasMaxLength(15);
    }
}

internal sealed class AppealAttachmentConfiguration : IEntityTypeConfiguration<AppealAttachment>
{
    public void Configure(EntityTypeBuilder<AppealAttachment> e)
    {
        e.ToTable("appeal_attachments");
        e.HasIndex(x => x.AppealId);
        e.Property(x => x.FileName).HasMaxLength(255);
        e.Property(x => x.ContentType).HasMaxLength(100);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.UploadedById).HasMaxLength(450);
        e.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppealEventConfiguration : IEntityTypeConfiguration<AppealEvent>
{
    public void Configure(EntityTypeBuilder<AppealEvent> e)
    {
        e.ToTable("appeal_events");
        e.HasIndex(x => x.AppealId);
        e.Property(x => x.ActorId).HasMaxLength(450);
        e.Property(x => x.ActorName).HasMaxLength(256);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        e.Property(x => x.Text).HasMaxLength(4000);
        e.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Restrict);
    }
}
