using Microsoft.AspNetCore.Identity;

namespace DeviceRegistry.Web.Localization;

/// <summary>
/// Identity's password and user errors in the reader's language, from the identity.* texts of
/// <see cref="RefusalTexts"/> (each keyed by the error's code, which is the method's name). Registered by the
/// web host only: the CLI keeps Identity's own English describer.
/// </summary>
public sealed class LocalizedIdentityErrors(Refusals refusals) : IdentityErrorDescriber
{
    public const string Prefix = "identity.";

    private IdentityError Localized(IdentityError error, params object[] arguments) => new()
    {
        Code = error.Code,
        Description = refusals.Text(Prefix + error.Code, error.Description, arguments),
    };

    public override IdentityError DefaultError() => Localized(base.DefaultError());

    public override IdentityError ConcurrencyFailure() => Localized(base.ConcurrencyFailure());

    public override IdentityError PasswordMismatch() => Localized(base.PasswordMismatch());

    public override IdentityError InvalidToken() => Localized(base.InvalidToken());

    public override IdentityError RecoveryCodeRedemptionFailed() => Localized(base.RecoveryCodeRedemptionFailed());

    public override IdentityError LoginAlreadyAssociated() => Localized(base.LoginAlreadyAssociated());

    public override IdentityError InvalidUserName(string? userName) => Localized(base.InvalidUserName(userName), userName ?? string.Empty);

    public override IdentityError InvalidEmail(string? email) => Localized(base.InvalidEmail(email), email ?? string.Empty);

    public override IdentityError DuplicateUserName(string userName) => Localized(base.DuplicateUserName(userName), userName);

    public override IdentityError DuplicateEmail(string email) => Localized(base.DuplicateEmail(email), email);

    public override IdentityError InvalidRoleName(string? role) => Localized(base.InvalidRoleName(role), role ?? string.Empty);

    public override IdentityError DuplicateRoleName(string role) => Localized(base.DuplicateRoleName(role), role);

    public override IdentityError UserAlreadyHasPassword() => Localized(base.UserAlreadyHasPassword());

    public override IdentityError UserLockoutNotEnabled() => Localized(base.UserLockoutNotEnabled());

    public override IdentityError UserAlreadyInRole(string role) => Localized(base.UserAlreadyInRole(role), role);

    public override IdentityError UserNotInRole(string role) => Localized(base.UserNotInRole(role), role);

    public override IdentityError PasswordTooShort(int length) => Localized(base.PasswordTooShort(length), length);

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Localized(base.PasswordRequiresUniqueChars(uniqueChars), uniqueChars);

    public override IdentityError PasswordRequiresNonAlphanumeric() => Localized(base.PasswordRequiresNonAlphanumeric());

    public override IdentityError PasswordRequiresDigit() => Localized(base.PasswordRequiresDigit());

    public override IdentityError PasswordRequiresLower() => Localized(base.PasswordRequiresLower());

    public override IdentityError PasswordRequiresUpper() => Localized(base.PasswordRequiresUpper());
}
