using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>Why a use case on an appeal refused to act.</summary>
public enum AppealProblem
{
    /// <summary>No such appeal, or not one the actor may see (a clerk of another office).</summary>
    NotFound,

    /// <summary>The actor's role or person may not take this step.</summary>
    Forbidden,

    /// <summary>The appeal changed since the actor loaded it.</summary>
    StaleVersion,

    /// <summary>The step does not fit the appeal's state or the facts (e.g. an IMEI without a clone verdict).</summary>
    Refused,
}

/// <summary>
/// A use case on an appeal refused, with an English message for the member of staff, the refusal's stable
/// <see cref="Code"/> (one of <see cref="RefusalCodes"/>) and the positional arguments of its text, so a host
/// can word it in its reader's language.
/// </summary>
public sealed class AppealException(AppealProblem problem, string code, string message, params object[] arguments) : Exception(message)
{
    public AppealProblem Problem { get; } = problem;

    public string Code { get; } = code;

    public IReadOnlyList<object> Arguments { get; } = arguments;
}

/// <summary>What every appeal use case shares: loading with access checks, the version check, the trail and the audit entry.</summary>
internal static class AppealWorkflow
{
    public static bool IsNational(StaffActor actor) =>
        actor.IsIn(StaffRoles.Reviewer) || actor.IsIn(StaffRoles.Supervisor) || actor.IsIn(StaffRoles.Admin);

    /// <summary>Reviewers, supervisors and administrators see every appeal; a clerk only their office's.</summary>
    public static bool MaySee(StaffActor actor, Appeal appeal) =>
        IsNational(actor) || (actor.IsIn(StaffRoles.Clerk) && actor.Office is not null && actor.Office == appeal.Office);

    public static bool IsClerkOf(StaffActor actor, Appeal appeal) =>
        actor.IsIn(StaffRoles.Clerk) && actor.Office is not null && actor.Office == appeal.Office;

    /// <summary>The appeal (tracked, with its numbers) the actor may see; otherwise NotFound, whether it exists or not.</summary>
    public static async Task<Appeal> LoadAsync(RegistryDbContext db, string tracking, StaffActor actor, CancellationToken ct)
    {
        if (!TrackingNumber.TryNormalize(tracking, out var number))
        {
            throw new AppealException(AppealProblem.NotFound, RefusalCodes.TrackingInvalid,
                $"'{tracking}' is not a tracking number (e.g. AP-7K3Q-9X2M)", tracking);
        }

        var appeal = await db.Set<Appeal>().Include(a => a.Numbers).SingleOrDefaultAsync(a => a.TrackingNumber == number, ct);
        if (appeal is null || !MaySee(actor, appeal))
        {
            throw new AppealException(AppealProblem.NotFound, RefusalCodes.NotFound, $"there is no appeal {number} you may see", number);
        }

        return appeal;
    }

    public static void CheckVersion(Appeal appeal, int version)
    {
        if (appeal.Version != version)
        {
            throw Stale(appeal.TrackingNumber);
        }
    }

    public static AppealException Stale(string tracking) => new(AppealProblem.StaleVersion, RefusalCodes.Stale,
        $"appeal {tracking} was changed by someone else since you opened it; reload the page and decide again", tracking);

    /// <summary>Refuses a step (named in English, with its refusal code) the appeal's status does not allow.</summary>
    public static void RequireStatus(Appeal appeal, string step, string code, params AppealStatus[] allowed)
    {
        if (!allowed.Contains(appeal.Status))
        {
            throw new AppealException(AppealProblem.Refused, code,
                $"appeal {appeal.TrackingNumber} is {appeal.Status}: {step} is possible only when it is {string.Join(" or ", allowed)}",
                appeal.TrackingNumber, appeal.Status);
        }
    }

    /// <summary>What the audit entry records before and after a change.</summary>
    public static object Snapshot(Appeal a) => new
    {
        Status = a.Status.ToString(),
        a.AssignedToId,
        Outcome = a.Outcome?.ToString(),
        a.DecisionReason,
        a.DecidedById,
        a.ConfirmedById,
        a.Version,
    };

    /// <summary>
    /// Ends a change: bumps the version, adds the trail entry (status after) and the audit entry
    /// (before and after), all saved by the caller's one SaveChanges.
    /// </summary>
    public static void Record(RegistryDbContext db, Appeal appeal, StaffActor actor, AppealEventKind kind, string action,
        object before, string? text, DateTime now, string? reason = null)
    {
        appeal.Version++;
        appeal.UpdatedAt = now;
        db.Add(new AppealEvent
        {
            AppealId = appeal.Id, At = now, ActorId = actor.UserId, ActorName = actor.UserName, Kind = kind,
            Status = appeal.Status, Text = Trim(text, 4000),
        });
        AuditLog.Record(db, actor, action, Subject(appeal), now, appeal.Imei, Trim(reason ?? text, 4000), before, Snapshot(appeal));
    }

    public static string Subject(Appeal appeal) => "appeal:" + appeal.TrackingNumber;

    public static void QueueSms(RegistryDbContext db, Appeal appeal, string kind, string? reason, DateTime now) =>
        db.Add(new AppealMessage
        {
            AppealId = appeal.Id, Msisdn = appeal.ApplicantContact, Language = appeal.Language, Kind = kind,
            Body = Trim(AppealSmsTexts.Compose(appeal.Language, kind, appeal.TrackingNumber, reason), 1000)!,
            Status = SmsStatus.Pending, CreatedAt = now,
        });

    /// <summary>Saves; a concurrent change of the same appeal (its version moved under us) is the stale-version refusal.</summary>
    public static async Task SaveAsync(RegistryDbContext db, Appeal appeal, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Stale(appeal.TrackingNumber);
        }
    }

    public static async Task<string?> UserNameAsync(RegistryDbContext db, string? id, CancellationToken ct) =>
        id is null ? null : await db.Users.Where(u => u.Id == id).Select(u => u.UserName).SingleOrDefaultAsync(ct);

    public static string? Trim(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        return text.Length > max ? text[..max] : text;
    }
}
