using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// A supervisor assigns an appeal to a reviewer (or reassigns it); a reviewer takes an unassigned one for
/// themselves. A New appeal goes InReview.
/// </summary>
public sealed record AssignAppeal : IRequest<int>
{
    public required StaffActor Actor { get; init; }

    public required string TrackingNumber { get; init; }

    /// <summary>The version the actor saw.</summary>
    public int Version { get; init; }

    /// <summary>The reviewer's user name; null: the actor takes it.</summary>
    public string? AssigneeUserName { get; init; }
}

internal sealed class AssignAppealHandler(RegistryDbContext db, UserManager<StaffUser> users, RegistryClock clock) : IRequestHandler<AssignAppeal, int>
{
    public async Task<int> Handle(AssignAppeal request, CancellationToken cancellationToken)
    {
        var actor = request.Actor;
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, actor, cancellationToken);
        AppealWorkflow.CheckVersion(appeal, request.Version);
        AppealWorkflow.RequireStatus(appeal, "assigning", RefusalCodes.StatusAssigning, AppealStatus.New, AppealStatus.InReview, AppealStatus.InformationRequested);

        string assigneeId;
        string assigneeName;
        if (string.IsNullOrWhiteSpace(request.AssigneeUserName) || request.AssigneeUserName.Trim() == actor.UserName)
        {
            if (!actor.IsIn(StaffRoles.Reviewer) && !actor.IsIn(StaffRoles.Supervisor))
            {
                throw new AppealException(AppealProblem.Forbidden, RefusalCodes.AssignForbidden, "appeals are taken by reviewers and supervisors");
            }

            if (appeal.AssignedToId is not null && appeal.AssignedToId != actor.UserId && !actor.IsIn(StaffRoles.Supervisor))
            {
                throw new AppealException(AppealProblem.Refused, RefusalCodes.AssignAlready,
                    $"appeal {appeal.TrackingNumber} is already assigned; a supervisor may reassign it", appeal.TrackingNumber);
            }

            assigneeId = actor.UserId;
            assigneeName = actor.UserName;
        }
        else
        {
            if (!actor.IsIn(StaffRoles.Supervisor))
            {
                throw new AppealException(AppealProblem.Forbidden, RefusalCodes.AssignSupervisorOnly, "only a supervisor assigns an appeal to someone else");
            }

            var user = await users.FindByNameAsync(request.AssigneeUserName.Trim());
            if (user is null || user.DisabledAt is not null
                || !(await users.IsInRoleAsync(user, StaffRoles.Reviewer) || await users.IsInRoleAsync(user, StaffRoles.Supervisor)))
            {
                throw new AppealException(AppealProblem.Refused, RefusalCodes.AssignNotReviewer,
                    $"'{request.AssigneeUserName}' is not an active reviewer", request.AssigneeUserName ?? string.Empty);
            }

            assigneeId = user.Id;
            assigneeName = user.UserName!;
        }

        if (appeal.AssignedToId == assigneeId && appeal.Status != AppealStatus.New)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AssignAlreadyTo,
                $"appeal {appeal.TrackingNumber} is already assigned to {assigneeName}", appeal.TrackingNumber, assigneeName ?? string.Empty);
        }

        var before = AppealWorkflow.Snapshot(appeal);
        var now = clock.UtcNow.UtcDateTime;
        appeal.AssignedToId = assigneeId;
        appeal.AssignedAt = now;
        if (appeal.Status == AppealStatus.New)
        {
            appeal.Status = AppealStatus.InReview;
        }

        AppealWorkflow.Record(db, appeal, actor, AppealEventKind.Assigned, AuditActions.AppealAssigned, before, $"assigned to {assigneeName}", now);
        await AppealWorkflow.SaveAsync(db, appeal, cancellationToken);
        return appeal.Version;
    }
}
