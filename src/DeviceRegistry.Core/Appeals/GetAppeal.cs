using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// One appeal for its page: the applicant, the numbers, the trail (oldest first), the attachments (no
/// content), and what the actor may do now. A clerk sees only their office's appeals; the IMSIs matched to
/// the applicant's numbers (subscriber identities) only reviewers and supervisors.
/// </summary>
public sealed record GetAppeal(StaffActor Actor, string TrackingNumber) : IRequest<AppealDetail>;

public sealed record AppealTrailEntry(DateTime At, string ActorName, AppealEventKind Kind, AppealStatus Status, string? Text);

/// <summary>An IMSI seen on the appeal's IMEI with one of the applicant's numbers (sightings.msisdn).</summary>
public sealed record MatchedImsi(string Imsi, string Msisdn, DateOnly LastSeen, bool AlreadyAllowed);

public sealed record AppealActions(
    bool Take, bool Assign, bool RequestInformation, bool ProvideInformation, bool AddAttachment, bool Pair, bool ProposeLift,
    bool Reject, bool ConfirmLift, bool ReturnLift)
{
    public bool Any => Take || Assign || RequestInformation || ProvideInformation || AddAttachment || Pair || ProposeLift || Reject
        || ConfirmLift || ReturnLift;
}

public sealed record AppealDetail(
    string TrackingNumber,
    string Imei,
    AppealStatus Status,
    AppealReason Reason,
    string? ReasonText,
    OwnerDocumentType DocumentType,
    string DocumentNumber,
    string ApplicantName,
    string ContactNumber,
    string Language,
    string Office,
    string? FiledBy,
    DateTime FiledAt,
    DateOnly DueOn,
    bool Overdue,
    string? AssigneeName,
    AppealOutcome? Outcome,
    string? DecisionReason,
    string? DecidedBy,
    string? ConfirmedBy,
    string? CloneStatus,
    int Version,
    IReadOnlyList<string> Numbers,
    IReadOnlyList<AppealTrailEntry> Trail,
    IReadOnlyList<AttachmentInfo> Attachments,
    IReadOnlyList<MatchedImsi> MatchedImsis,
    AppealActions Actions);

internal sealed class GetAppealHandler(RegistryDbContext db, Infrastructure.RegistryClock clock) : IRequestHandler<GetAppeal, AppealDetail>
{
    public async Task<AppealDetail> Handle(GetAppeal request, CancellationToken cancellationToken)
    {
        var actor = request.Actor;
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, actor, cancellationToken);
        var names = await db.Users.AsNoTracking()
            .Where(u => u.Id == appeal.FiledById || u.Id == appeal.AssignedToId || u.Id == appeal.DecidedById || u.Id == appeal.ConfirmedById)
            .ToDictionaryAsync(u => u.Id, u => u.UserName, cancellationToken);
        string? Name(string? id) => id is null ? null : names.GetValueOrDefault(id) ?? id;

        var trail = await db.Set<AppealEvent>().AsNoTracking().Where(e => e.AppealId == appeal.Id).OrderBy(e => e.Id)
            .Select(e => new AppealTrailEntry(e.At, e.ActorName, e.Kind, e.Status, e.Text)).ToListAsync(cancellationToken);
        var attachments = await db.Set<AppealAttachment>().AsNoTracking().Where(a => a.AppealId == appeal.Id).OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.FileName, a.ContentType, a.Length, a.Sha256, a.UploadedAt, a.UploadedById })
            .ToListAsync(cancellationToken);
        var uploaders = attachments.Select(a => a.UploadedById).Distinct().ToList();
        var uploaderNames = await db.Users.AsNoTracking().Where(u => uploaders.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, cancellationToken);
        var clone = await db.Set<CloneStatus>().AsNoTracking().Where(s => s.Imei == appeal.Imei).Select(s => s.Status).SingleOrDefaultAsync(cancellationToken);
        var national = AppealWorkflow.IsNational(actor);
        var matched = national ? await MatchImsisAsync(db, appeal, cancellationToken) : [];

        var reviewer = actor.IsIn(StaffRoles.Reviewer) || actor.IsIn(StaffRoles.Supervisor);
        var supervisor = actor.IsIn(StaffRoles.Supervisor);
        var decider = (appeal.AssignedToId == actor.UserId && reviewer) || supervisor;
        var clerk = AppealWorkflow.IsClerkOf(actor, appeal);
        var s = appeal.Status;
        var actions = new AppealActions(
            Take: reviewer && appeal.AssignedToId != actor.UserId && (appeal.AssignedToId is null || supervisor)
                && s is AppealStatus.New or AppealStatus.InReview or AppealStatus.InformationRequested,
            Assign: supervisor && s is AppealStatus.New or AppealStatus.InReview or AppealStatus.InformationRequested,
            RequestInformation: decider && s == AppealStatus.InReview,
            ProvideInformation: clerk && s == AppealStatus.InformationRequested,
            AddAttachment: clerk && Appeal.IsOpen(s),
            Pair: decider && s == AppealStatus.InReview,
            ProposeLift: decider && s == AppealStatus.InReview,
            Reject: decider && s == AppealStatus.InReview,
            ConfirmLift: supervisor && s == AppealStatus.AwaitingConfirmation && appeal.DecidedById != actor.UserId,
            ReturnLift: supervisor && s == AppealStatus.AwaitingConfirmation);

        return new AppealDetail(
            appeal.TrackingNumber, new Imei(appeal.Imei).WithCheckDigit, appeal.Status, appeal.Reason, appeal.ReasonText,
            appeal.ApplicantDocumentType, appeal.ApplicantDocumentNumber, appeal.ApplicantName, appeal.ApplicantContact, appeal.Language,
            appeal.Office, Name(appeal.FiledById), DateTime.SpecifyKind(appeal.FiledAt, DateTimeKind.Utc), appeal.DueOn,
            Appeal.IsOpen(appeal.Status) && appeal.DueOn < clock.Today(), Name(appeal.AssignedToId), appeal.Outcome, appeal.DecisionReason,
            Name(appeal.DecidedById), Name(appeal.ConfirmedById), clone, appeal.Version,
            appeal.Numbers.Select(n => n.Msisdn).Order(StringComparer.Ordinal).ToList(),
            trail.Select(t => t with { At = DateTime.SpecifyKind(t.At, DateTimeKind.Utc) }).ToList(),
            attachments.Select(a => new AttachmentInfo(a.Id, a.FileName, a.ContentType, a.Length, a.Sha256,
                DateTime.SpecifyKind(a.UploadedAt, DateTimeKind.Utc), uploaderNames.GetValueOrDefault(a.UploadedById) ?? a.UploadedById)).ToList(),
            matched, actions);
    }

    /// <summary>The IMSIs seen on the IMEI with one of the applicant's numbers, latest sighting first per IMSI.</summary>
    internal static async Task<IReadOnlyList<MatchedImsi>> MatchImsisAsync(RegistryDbContext db, Appeal appeal, CancellationToken ct)
    {
        var numbers = appeal.Numbers.Select(n => n.Msisdn).ToList();
        var seen = (await Sightings.SightingRows.OfImeisAsync(db, [appeal.Imei], ct))
            .Where(x => x.Msisdn != null && numbers.Contains(x.Msisdn))
            .ToList();
        var allowed = (await db.Set<CloneAllowedPair>().AsNoTracking().Where(p => p.Imei == appeal.Imei).Select(p => p.Imsi).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        return seen.GroupBy(x => x.Imsi, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(x => x.LastSeen).First())
            .OrderBy(x => x.Imsi, StringComparer.Ordinal)
            .Select(x => new MatchedImsi(x.Imsi, x.Msisdn!, x.LastSeen, allowed.Contains(x.Imsi)))
            .ToList();
    }
}
