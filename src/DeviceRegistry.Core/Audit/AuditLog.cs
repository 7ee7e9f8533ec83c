using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Audit;

/// <summary>
/// One accountable staff action: who, when, what, on what, why, and the state before and after (JSON).
/// Append-only: triggers in both databases refuse UPDATE and DELETE (database/*/0006_staff_and_appeals.sql).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    public required string ActorId { get; set; }

    public required string ActorName { get; set; }

    /// <summary>A dotted verb from <see cref="AuditActions"/>, e.g. "appeal.paired".</summary>
    public required string Action { get; set; }

    /// <summary>What was acted on, e.g. "appeal:AP-7K3Q-9X2M", "user:reviewer1".</summary>
    public required string Subject { get; set; }

    /// <summary>The IMEI key concerned, when there is one (so an IMEI's whole history is one query).</summary>
    public long? Imei { get; set; }

    public string? Reason { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}

/// <summary>The audited actions: one vocabulary for writers and readers.</summary>
public static class AuditActions
{
    public const string AppealFiled = "appeal.filed";
    public const string AppealAssigned = "appeal.assigned";
    public const string AppealInformationRequested = "appeal.information_requested";
    public const string AppealInformationProvided = "appeal.information_provided";
    public const string AppealPaired = "appeal.paired";
    public const string AppealLiftProposed = "appeal.lift_proposed";
    public const string AppealLiftConfirmed = "appeal.lift_confirmed";
    public const string AppealLiftReturned = "appeal.lift_returned";
    public const string AppealRejected = "appeal.rejected";
    public const string AppealClosed = "appeal.closed";
    public const string AttachmentAdded = "appeal.attachment_added";
    public const string AttachmentOpened = "appeal.attachment_opened";

    /// <summary>A reviewer opened an IMEI's evidence (subscriber identities were shown).</summary>
    public const string EvidenceViewed = "evidence.viewed";

    public const string UserAdded = "user.added";
    public const string UserDisabled = "user.disabled";
    public const string SignedIn = "user.signed_in";
    public const string SignInFailed = "user.sign_in_failed";
    public const string SignedOut = "user.signed_out";
    public const string TwoFactorEnabled = "user.two_factor_enabled";
    public const string PasswordChanged = "user.password_changed";

    /// <summary>A supervisor or administrator read the audit log (the filters in <c>after</c>).</summary>
    public const string AuditViewed = "audit.viewed";

    /// <summary>An administrator ran a scheduled job now from the back office (subject "job:GROUP.NAME").</summary>
    public const string JobTriggered = "job.triggered";

    /// <summary>An administrator changed background jobs on the Hangfire dashboard (retry, delete, …; subject "background-jobs:PATH", the jobs in <c>after</c>).</summary>
    public const string BackgroundJobsChanged = "job.background_changed";

    /// <summary>An operator was created with its first API credential (subject "operator:NAME"; never the secret).</summary>
    public const string OperatorAdded = "operator.added";

    /// <summary>An existing operator was issued a new API credential; the previous one stopped working (never the secret).</summary>
    public const string OperatorSecretReissued = "operator.secret_reissued";

    /// <summary>An administrator reported a device stolen (subject "stolen:CASE", one entry per IMEI).</summary>
    public const string StolenReported = "stolen.reported";

    /// <summary>An administrator recovered IMEIs of a stolen case (subject "stolen:CASE", one entry per IMEI).</summary>
    public const string StolenRecovered = "stolen.recovered";

    /// <summary>Every action, in the order above (the audit viewer's choice list).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        AppealFiled, AppealAssigned, AppealInformationRequested, AppealInformationProvided, AppealPaired, AppealLiftProposed,
        AppealLiftConfirmed, AppealLiftReturned, AppealRejected, AppealClosed, AttachmentAdded, AttachmentOpened, EvidenceViewed,
        UserAdded, UserDisabled, SignedIn, SignInFailed, SignedOut, TwoFactorEnabled, PasswordChanged, AuditViewed,
        JobTriggered, BackgroundJobsChanged, OperatorAdded, OperatorSecretReissued, StolenReported, StolenRecovered,
    ];
}

/// <summary>Adds audit entries to a context, so they commit (or not) with the change they describe.</summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static AuditEntry Record(RegistryDbContext db, StaffActor actor, string action, string subject, DateTime at,
        long? imei = null, string? reason = null, object? before = null, object? after = null)
    {
        var entry = new AuditEntry
        {
            At = at,
            ActorId = actor.UserId,
            ActorName = actor.UserName,
            Action = action,
            Subject = subject,
            Imei = imei,
            Reason = reason,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        };
        db.Add(entry);
        return entry;
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("audit_entries");
        e.HasIndex(x => x.At);
        e.HasIndex(x => x.Imei);
        e.HasIndex(x => x.Subject);
        // The audit viewer's actor and action filters, newest first (keyset on id).
        e.HasIndex(x => new { x.ActorName, x.Id });
        e.HasIndex(x => new { x.Action, x.Id });
        e.Property(x => x.ActorId).HasMaxLength(450);
        e.Property(x => x.ActorName).HasMaxLength(256);
        e.Property(x => x.Action).HasMaxLength(50);
        e.Property(x => x.Subject).HasMaxLength(200);
        e.Property(x => x.Reason).HasMaxLength(4000);
    }
}
