using System.Text;
using System.Text.Encodings.Web;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Pages.BackOffice.Account;

/// <summary>
/// The signed-in member of staff's own security: the session's idle length, two-step sign-in (enrol an
/// authenticator app with the shared key or its otpauth:// address, confirm with a first code, get recovery
/// codes once) and a password change.
/// </summary>
public sealed class SecurityModel(
    UserManager<StaffUser> users,
    SignInManager<StaffUser> signIn,
    RegistryDbContext db,
    StaffSettings settings,
    TimeProvider clock,
    UrlEncoder urlEncoder,
    IStringLocalizer<AccountTexts> texts) : PageModel
{
    public const string Issuer = "DeviceRegistry";
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool TwoFactorEnabled { get; private set; }

    /// <summary>The user must turn on two-step sign-in before anything else in the back office.</summary>
    public bool MustEnrol { get; private set; }

    /// <summary>The shared key, in groups of four for typing.</summary>
    public string? SharedKey { get; private set; }

    public string? AuthenticatorUri { get; private set; }

    /// <summary>Shown once, right after two-step sign-in is turned on.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public int IdleTimeoutMinutes => settings.IdleTimeoutMinutes;

    public int MinimumPasswordLength => users.Options.Password.RequiredLength;

    public string? Message { get; private set; }

    public IReadOnlyList<string> TwoFactorErrors { get; private set; } = [];

    public IReadOnlyList<string> PasswordErrors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await CurrentUserAsync();
        return user is null ? Challenge() : await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await CurrentUserAsync();
        if (user is null)
        {
            return Challenge();
        }

        if (user.TwoFactorEnabled)
        {
            return await ShowAsync(user);
        }

        var code = (Code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            TwoFactorErrors = [texts["security.codeInvalid"]];
            return await ShowAsync(user);
        }

        // The audit entry is saved with the user's change (Identity's store saves this same context).
        AuditLog.Record(db, ActorOf(user), AuditActions.TwoFactorEnabled, SignInAudit.Subject(user.UserName!), clock.GetUtcNow().UtcDateTime);
        var enabled = await users.SetTwoFactorEnabledAsync(user, true);
        if (!enabled.Succeeded)
        {
            throw new InvalidOperationException("Could not turn on two-step sign-in: " + string.Join("; ", enabled.Errors.Select(e => e.Description)));
        }

        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        // The security stamp changed: a fresh cookie (now saying the second factor is on) keeps this session.
        await signIn.RefreshSignInAsync(user);
        Message = texts["security.enabled"];
        return await ShowAsync(user, afterEnrolment: true);
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        var user = await CurrentUserAsync();
        if (user is null)
        {
            return Challenge();
        }

        if (string.IsNullOrEmpty(CurrentPassword) || string.IsNullOrEmpty(NewPassword))
        {
            PasswordErrors = [texts["security.passwordRequired"]];
            return await ShowAsync(user);
        }

        if (NewPassword != ConfirmPassword)
        {
            PasswordErrors = [texts["security.passwordMismatch"]];
            return await ShowAsync(user);
        }

        var changed = await users.ChangePasswordAsync(user, CurrentPassword, NewPassword);
        if (!changed.Succeeded)
        {
            PasswordErrors = [.. changed.Errors.Select(e => e.Description)];
            return await ShowAsync(user);
        }

        AuditLog.Record(db, ActorOf(user), AuditActions.PasswordChanged, SignInAudit.Subject(user.UserName!), clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync();
        await signIn.RefreshSignInAsync(user);
        Message = texts["security.passwordChanged"];
        return await ShowAsync(user);
    }

    private async Task<StaffUser?> CurrentUserAsync() => await users.GetUserAsync(User);

    private StaffActor ActorOf(StaffUser user) => new(user.Id, user.UserName!, [.. User.Actor().Roles], user.Office);

    private async Task<IActionResult> ShowAsync(StaffUser user, bool afterEnrolment = false)
    {
        TwoFactorEnabled = user.TwoFactorEnabled;
        var roles = await users.GetRolesAsync(user);
        MustEnrol = settings.RequireTwoFactor && !user.TwoFactorEnabled && roles.Any(StaffRoles.NeedTwoFactor.Contains);
        if (!user.TwoFactorEnabled && !afterEnrolment)
        {
            var key = await users.GetAuthenticatorKeyAsync(user);
            if (string.IsNullOrEmpty(key))
            {
                await users.ResetAuthenticatorKeyAsync(user);
                key = await users.GetAuthenticatorKeyAsync(user);
                // Setting the key renewed the security stamp: renew the cookie so this session goes on.
                await signIn.RefreshSignInAsync(user);
            }

            SharedKey = Grouped(key!);
            AuthenticatorUri = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"otpauth://totp/{urlEncoder.Encode(Issuer)}:{urlEncoder.Encode(user.UserName!)}?secret={key}&issuer={urlEncoder.Encode(Issuer)}&digits=6");
        }

        return Page();
    }

    private static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return text.ToString().ToLowerInvariant();
    }
}
