using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using FluentValidation;
using FluentValidation.Results;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace DeviceRegistry.Staff;

/// <summary>
/// Disables a staff account for good (<c>devreg user disable</c>): sets <see cref="StaffUser.DisabledAt"/>, locks
/// it with no end, and changes its security stamp, so sessions already open end when the web host next
/// validates their stamp (within a minute). The account stays, for the audit trail. Disabling a disabled account
/// changes nothing. An administrator cannot disable their own account (the console can disable any).
/// </summary>
/// <param name="Reason">Why, recorded in the audit entry (the back-office page requires one).</param>
public sealed record DisableStaffUser(string UserName, StaffActor Actor, string? Reason = null) : IRequest<DisableStaffUserResult>;

public sealed record DisableStaffUserResult(string UserName, DateTime DisabledAt, bool WasAlreadyDisabled);

public sealed class DisableStaffUserValidator : AbstractValidator<DisableStaffUser>
{
    public DisableStaffUserValidator()
    {
        RuleFor(x => x.UserName).NotEmpty().WithMessage("the user name is empty");
        RuleFor(x => x.Reason).MaximumLength(4000).WithMessage("a reason has at most 4000 characters");
    }
}

internal sealed class DisableStaffUserHandler(RegistryDbContext db, UserManager<StaffUser> users, TimeProvider clock)
    : IRequestHandler<DisableStaffUser, DisableStaffUserResult>
{
    public async Task<DisableStaffUserResult> Handle(DisableStaffUser request, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(request.UserName)
            ?? throw new ValidationException([new ValidationFailure(nameof(request.UserName), $"there is no staff user named '{request.UserName}'")]);
        if (user.Id == request.Actor.UserId)
        {
            throw new ValidationException([new ValidationFailure(nameof(request.UserName), "you cannot disable your own account")]);
        }

        if (user.DisabledAt is { } since)
        {
            return new DisableStaffUserResult(user.UserName!, since, WasAlreadyDisabled: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        user.DisabledAt = now;
        user.LockoutEnabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;
        AuditLog.Record(db, request.Actor, AuditActions.UserDisabled, "user:" + user.UserName, now,
            reason: string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(),
            before: new { Disabled = false }, after: new { Disabled = true, DisabledAt = now });
        // Saves the user (and the audit entry tracked with it) with a new security stamp.
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Could not disable " + user.UserName + ": " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new DisableStaffUserResult(user.UserName!, now, WasAlreadyDisabled: false);
    }
}
