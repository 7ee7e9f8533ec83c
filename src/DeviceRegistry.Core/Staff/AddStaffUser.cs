using System.Security.Cryptography;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using FluentValidation;
using FluentValidation.Results;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace DeviceRegistry.Staff;

/// <summary>
/// Creates a staff account with one role (<c>devreg user add</c>). A clerk belongs to a post office and must
/// name it; the national roles (reviewer, supervisor, admin) have none and refuse one, so no one mistakes a
/// reviewer for an office's. Without a password a strong one is generated and returned once. The account and
/// its audit entry commit together.
/// </summary>
public sealed record AddStaffUser(string UserName, string Role, string? Office, string? Password, StaffActor Actor)
    : IRequest<AddStaffUserResult>;

/// <param name="Password">The password set: the one given, or the generated one (shown once, never stored in clear).</param>
public sealed record AddStaffUserResult(string UserId, string UserName, string Role, string? Office, string Password, bool PasswordGenerated);

public sealed class AddStaffUserValidator : AbstractValidator<AddStaffUser>
{
    public const int MaxUserNameLength = 64;
    public const int MaxOfficeLength = 100;

    public AddStaffUserValidator()
    {
        RuleFor(x => x.UserName)
            .NotEmpty().WithMessage("the user name is empty")
            .MaximumLength(MaxUserNameLength).WithMessage($"a user name has at most {MaxUserNameLength} characters")
            .Matches("^[A-Za-z0-9._-]*$").WithMessage("a user name has only letters a-z, digits, '.', '_' and '-'");
        RuleFor(x => x.Role)
            .Must(StaffRoles.IsKnown).WithMessage(x => $"'{x.Role}' is not a role; the roles are {string.Join(", ", StaffRoles.All)}");
        RuleFor(x => x.Office)
            .Must(o => !string.IsNullOrWhiteSpace(o)).When(x => x.Role == StaffRoles.Clerk)
            .WithMessage("a clerk works at a post office: name it with --office");
        RuleFor(x => x.Office)
            .Null().When(x => x.Role != StaffRoles.Clerk && StaffRoles.IsKnown(x.Role))
            .WithMessage(x => $"the {x.Role} role is national and has no office; --office is only for clerks");
        RuleFor(x => x.Office)
            .MaximumLength(MaxOfficeLength).WithMessage($"an office name has at most {MaxOfficeLength} characters")
            .Must(o => o is null || o.Trim() == o).WithMessage("an office name has no leading or trailing spaces");
    }
}

internal sealed class AddStaffUserHandler(RegistryDbContext db, UserManager<StaffUser> users, TimeProvider clock)
    : IRequestHandler<AddStaffUser, AddStaffUserResult>
{
    public async Task<AddStaffUserResult> Handle(AddStaffUser request, CancellationToken cancellationToken)
    {
        var generated = request.Password is null;
        var password = request.Password ?? await StaffPasswords.GenerateAsync(users);
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new StaffUser { UserName = request.UserName, Office = request.Office, CreatedAt = now, LockoutEnabled = true };

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRoleAsync(user, request.Role));
        AuditLog.Record(db, request.Actor, AuditActions.UserAdded, "user:" + user.UserName, now,
            after: new { user.UserName, request.Role, user.Office, PasswordGenerated = generated });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new AddStaffUserResult(user.Id, user.UserName, request.Role, user.Office, password, generated);
    }

    /// <summary>Identity's refusals (a weak password, a name taken) are input errors with Identity's own reasons.</summary>
    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ValidationException(result.Errors.Select(e => new ValidationFailure(
                e.Code.Contains("Password", StringComparison.Ordinal) ? nameof(AddStaffUser.Password) : nameof(AddStaffUser.UserName),
                e.Description)));
        }
    }
}

/// <summary>Strong random passwords for new staff accounts.</summary>
public static class StaffPasswords
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";

    /// <summary>The length of a generated password (above the rules' minimum).</summary>
    public const int GeneratedLength = 20;

    /// <summary>
    /// 20 characters drawn with <see cref="RandomNumberGenerator"/> from letters and digits that cannot be
    /// misread (no 0/O, 1/l/I), with at least one upper-case letter, one lower-case letter and one digit;
    /// checked against the configured password rules (drawn again in the unlikely case they refuse it).
    /// </summary>
    public static async Task<string> GenerateAsync(UserManager<StaffUser> users)
    {
        for (var attempt = 0; ; attempt++)
        {
            var password = Generate();
            var accepted = true;
            foreach (var validator in users.PasswordValidators)
            {
                accepted &= (await validator.ValidateAsync(users, null!, password)).Succeeded;
            }

            if (accepted)
            {
                return password;
            }

            if (attempt > 100)
            {
                throw new InvalidOperationException("The configured password rules refuse every generated password.");
            }
        }
    }

    public static string Generate()
    {
        const string all = Upper + Lower + Digits;
        var chars = new char[GeneratedLength];
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        for (var i = 3; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        // Fisher-Yates, so the guaranteed classes are not always in front.
        for (var i = chars.Length - 1; i > 0; i--)
        {
            var j = RandomNumberGenerator.GetInt32(i + 1);
            (chars[i], chars[j]) = (chars[j], chars[i]);
        }

        return new string(chars);
    }
}
