using DeviceRegistry.Audit;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

public enum AppealDecision
{
    /// <summary>The applicant's SIMs join the IMEI's allowed pairs: approved, outcome Paired. The EIR admits them within seconds.</summary>
    Pair,

    /// <summary>Propose lifting the clone verdict: AwaitingConfirmation; nothing changes in the EIR yet.</summary>
    ProposeLift,

    /// <summary>Unfounded (a reason is required): rejected.</summary>
    Reject,

    /// <summary>A supervisor other than the proposer confirms the lift: the verdict is Cleared, approved, outcome Lifted.</summary>
    ConfirmLift,

    /// <summary>A supervisor sends a proposed lift back InReview, with a reason.</summary>
    ReturnLift,
}

/// <summary>
/// A decision on an appeal InReview by its assigned reviewer or a supervisor (pair, propose a lift, reject), or a
/// supervisor's confirmation or return of a proposed lift. Each writes the trail, the audit entry and, when it
/// reaches the applicant, the SMS in the same transaction; a pairing or a lift also writes the clone tables
/// and an imei_changes row, which the EIR index follows.
/// </summary>
public sealed record DecideAppeal : IRequest<DecisionResult>
{
    public required StaffActor Actor { get; init; }

    public required string TrackingNumber { get; init; }

    public int Version { get; init; }

    public AppealDecision Decision { get; init; }

    /// <summary>For <see cref="AppealDecision.Pair"/>: the IMSIs ticked (each one matched to the applicant's numbers); null: all matched.</summary>
    public IReadOnlyList<string>? Imsis { get; init; }

    /// <summary>Required to reject and to return a lift; optional otherwise.</summary>
    public string? Reason { get; init; }
}

public sealed record DecisionResult(int Version, AppealStatus Status, AppealOutcome? Outcome, IReadOnlyList<string> PairedImsis);

internal sealed class DecideAppealValidator : AbstractValidator<DecideAppeal>
{
    public DecideAppealValidator()
    {
        RuleFor(x => x.Decision).IsInEnum().WithErrorCode(RefusalCodes.DecisionUnknown).WithMessage("choose a decision");
        RuleFor(x => x.Reason).NotEmpty().When(x => x.Decision == AppealDecision.Reject).WithErrorCode(RefusalCodes.RejectionReasonRequired).WithMessage("a rejection needs a reason");
        RuleFor(x => x.Reason).NotEmpty().When(x => x.Decision == AppealDecision.ReturnLift).WithErrorCode(RefusalCodes.ReturnReasonRequired).WithMessage("say why the lift is returned");
        RuleFor(x => x.Reason).MaximumLength(2000).WithErrorCode(RefusalCodes.DecisionReasonTooLong).WithMessage("the reason has at most 2000 characters");
    }
}

internal sealed class DecideAppealHandler(RegistryDbContext db, RegistryClock clock) : IRequestHandler<DecideAppeal, DecisionResult>
{
    public const string ChangeSource = "appeal";

    public async Task<DecisionResult> Handle(DecideAppeal request, CancellationToken cancellationToken)
    {
        var actor = request.Actor;
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, actor, cancellationToken);
        if (request.Decision is AppealDecision.ConfirmLift or AppealDecision.ReturnLift)
        {
            if (!actor.IsIn(StaffRoles.Supervisor))
            {
                throw new AppealException(AppealProblem.Forbidden, RefusalCodes.DecisionSupervisorOnly, "a proposed lift is confirmed or returned by a supervisor");
            }
        }
        else
        {
            RequireDecider(appeal, actor);
        }

        AppealWorkflow.CheckVersion(appeal, request.Version);
        var before = AppealWorkflow.Snapshot(appeal);
        var now = clock.UtcNow.UtcDateTime;
        var today = clock.Today();
        var reason = AppealWorkflow.Trim(request.Reason, 2000);
        IReadOnlyList<string> paired = [];
        switch (request.Decision)
        {
            case AppealDecision.Pair:
            {
                AppealWorkflow.RequireStatus(appeal, "pairing", RefusalCodes.StatusPairing, AppealStatus.InReview);
                paired = await PairAsync(appeal, request.Imsis, today, now, cancellationToken);
                appeal.Status = AppealStatus.Approved;
                appeal.Outcome = AppealOutcome.Paired;
                Decided(appeal, actor, reason, now);
                appeal.ClosedAt = now;
                AppealWorkflow.Record(db, appeal, actor, AppealEventKind.Paired, AuditActions.AppealPaired, before,
                    $"paired {string.Join(", ", paired)}" + (reason is null ? string.Empty : ": " + reason), now, reason);
                AppealWorkflow.QueueSms(db, appeal, AppealSmsTexts.Paired, null, now);
                break;
            }

            case AppealDecision.ProposeLift:
                AppealWorkflow.RequireStatus(appeal, "proposing a lift", RefusalCodes.StatusProposingLift, AppealStatus.InReview);
                await RequireCloneAsync(appeal, cancellationToken);
                appeal.Status = AppealStatus.AwaitingConfirmation;
                Decided(appeal, actor, reason, now);
                AppealWorkflow.Record(db, appeal, actor, AppealEventKind.LiftProposed, AuditActions.AppealLiftProposed, before, reason, now);
                break;

            case AppealDecision.Reject:
                AppealWorkflow.RequireStatus(appeal, "rejecting", RefusalCodes.StatusRejecting, AppealStatus.InReview);
                appeal.Status = AppealStatus.Rejected;
                appeal.Outcome = AppealOutcome.Rejected;
                Decided(appeal, actor, reason, now);
                appeal.ClosedAt = now;
                AppealWorkflow.Record(db, appeal, actor, AppealEventKind.Rejected, AuditActions.AppealRejected, before, reason, now);
                AppealWorkflow.QueueSms(db, appeal, AppealSmsTexts.Rejected, reason, now);
                break;

            case AppealDecision.ConfirmLift:
            {
                AppealWorkflow.RequireStatus(appeal, "confirming a lift", RefusalCodes.StatusConfirmingLift, AppealStatus.AwaitingConfirmation);
                if (appeal.DecidedById == actor.UserId)
                {
                    throw new AppealException(AppealProblem.Forbidden, RefusalCodes.DecisionSecondPerson,
                        "the lift must be confirmed by a second person: you proposed it, another supervisor confirms it");
                }

                var verdict = await RequireCloneAsync(appeal, cancellationToken);
                verdict.Status = CloneStatusValues.Cleared;
                verdict.Since = today;
                verdict.UpdatedAt = now;
                var proposer = await AppealWorkflow.UserNameAsync(db, appeal.DecidedById, cancellationToken);
                db.Add(new CloneStatusChange
                {
                    Imei = appeal.Imei, Status = CloneStatusValues.Cleared, AsOf = today, ChangedAt = now, Rule = verdict.Rule,
                    Reason = $"appeal {appeal.TrackingNumber}: lift proposed by {proposer}, confirmed by {actor.UserName}",
                });
                db.ImeiChanges.Add(new ImeiChange { Imei = appeal.Imei, Source = ChangeSource, ChangedAt = now });
                appeal.Status = AppealStatus.Approved;
                appeal.Outcome = AppealOutcome.Lifted;
                appeal.ConfirmedById = actor.UserId;
                appeal.ConfirmedAt = now;
                appeal.ClosedAt = now;
                AppealWorkflow.Record(db, appeal, actor, AppealEventKind.LiftConfirmed, AuditActions.AppealLiftConfirmed, before, reason, now);
                AppealWorkflow.QueueSms(db, appeal, AppealSmsTexts.Lifted, null, now);
                break;
            }

            case AppealDecision.ReturnLift:
                AppealWorkflow.RequireStatus(appeal, "returning a lift", RefusalCodes.StatusReturningLift, AppealStatus.AwaitingConfirmation);
                appeal.Status = AppealStatus.InReview;
                appeal.DecidedById = null;
                appeal.DecidedAt = null;
                appeal.DecisionReason = null;
                AppealWorkflow.Record(db, appeal, actor, AppealEventKind.LiftReturned, AuditActions.AppealLiftReturned, before, reason, now);
                break;

            default:
                throw new AppealException(AppealProblem.Refused, RefusalCodes.DecisionUnknown, $"unknown decision {request.Decision}");
        }

        await AppealWorkflow.SaveAsync(db, appeal, cancellationToken);
        return new DecisionResult(appeal.Version, appeal.Status, appeal.Outcome, paired);
    }

    /// <summary>Deciding is for the assigned reviewer, or any supervisor.</summary>
    internal static void RequireDecider(Appeal appeal, StaffActor actor)
    {
        var reviewer = actor.IsIn(StaffRoles.Reviewer);
        if (actor.IsIn(StaffRoles.Supervisor) || (reviewer && appeal.AssignedToId == actor.UserId))
        {
            return;
        }

        throw reviewer
            ? new AppealException(AppealProblem.Forbidden, RefusalCodes.DecisionNotAssigned,
                $"appeal {appeal.TrackingNumber} is not assigned to you; take it first", appeal.TrackingNumber)
            : new AppealException(AppealProblem.Forbidden, RefusalCodes.DecisionForbidden, "decisions on appeals are taken by reviewers and supervisors");
    }

    private static void Decided(Appeal appeal, StaffActor actor, string? reason, DateTime now)
    {
        appeal.DecidedById = actor.UserId;
        appeal.DecidedAt = now;
        appeal.DecisionReason = reason;
    }

    private async Task<CloneStatus> RequireCloneAsync(Appeal appeal, CancellationToken ct)
    {
        var verdict = await db.Set<CloneStatus>().SingleOrDefaultAsync(s => s.Imei == appeal.Imei, ct);
        if (verdict is null || verdict.Status != CloneStatusValues.Clone)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.DecisionNoCloneVerdict,
                $"the IMEI of appeal {appeal.TrackingNumber} no longer has a clone verdict to lift", appeal.TrackingNumber);
        }

        return verdict;
    }

    private async Task<IReadOnlyList<string>> PairAsync(Appeal appeal, IReadOnlyList<string>? ticked, DateOnly today, DateTime now, CancellationToken ct)
    {
        await RequireCloneAsync(appeal, ct);
        var matched = await GetAppealHandler.MatchImsisAsync(db, appeal, ct);
        if (matched.Count == 0)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.PairNoSims,
                "none of the applicant's numbers was seen on this IMEI, so there is no SIM to pair; propose a lift or reject");
        }

        var known = matched.Select(m => m.Imsi).ToHashSet(StringComparer.Ordinal);
        var chosen = ticked is null ? known.ToList() : ticked.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var foreign = chosen.Where(i => !known.Contains(i)).ToList();
        if (foreign.Count > 0)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.PairForeign,
                $"IMSI {string.Join(", ", foreign)} was not seen on this IMEI with the applicant's numbers; only their SIMs are paired",
                string.Join(", ", foreign));
        }

        var already = matched.Where(m => m.AlreadyAllowed).Select(m => m.Imsi).ToHashSet(StringComparer.Ordinal);
        var added = chosen.Where(i => !already.Contains(i)).Order(StringComparer.Ordinal).ToList();
        if (added.Count == 0)
        {
            throw chosen.Count == 0
                ? new AppealException(AppealProblem.Refused, RefusalCodes.PairNoneTicked, "tick at least one IMSI to pair")
                : new AppealException(AppealProblem.Refused, RefusalCodes.PairAlreadyAllowed, "the ticked SIMs are already allowed on this IMEI; nothing to pair");
        }

        foreach (var imsi in added)
        {
            db.Add(new CloneAllowedPair { Imei = appeal.Imei, Imsi = imsi, Since = today });
        }

        db.ImeiChanges.Add(new ImeiChange { Imei = appeal.Imei, Source = ChangeSource, ChangedAt = now });
        return added;
    }
}
