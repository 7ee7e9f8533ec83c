using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Pages.BackOffice.Account;

/// <summary>
/// The second step of sign-in for an account with two-step sign-in: the authenticator app's 6-digit code
/// (TOTP), or one of the recovery codes, each usable once. Wrong codes count towards the lockout.
/// </summary>
[AllowAnonymous]
public sealed class SignInCodeModel(SignInManager<StaffUser> signIn, SignInAudit audit, IStringLocalizer<AccountTexts> texts) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("SignIn", new { returnUrl = SafeReturnUrl() }) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        // The password step left a short-lived two-factor cookie naming the user; without it, start again.
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return RedirectToPage("SignIn", new { returnUrl = SafeReturnUrl() });
        }

        var code = (Code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (code.Length == 0)
        {
            Error = texts["code.required"];
            return Page();
        }

        var authenticator = code.Length == 6 && code.All(char.IsAsciiDigit);
        var result = authenticator
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            await audit.SignedInAsync(user, authenticator ? "password and authenticator code" : "password and recovery code");
            return LocalRedirect(SafeReturnUrl());
        }

        if (result.IsLockedOut)
        {
            await audit.FailedAsync(user.UserName!, "locked out at the code step");
            Error = texts["signIn.lockedOut"];
        }
        else if (result.IsNotAllowed)
        {
            await audit.FailedAsync(user.UserName!, "not allowed at the code step");
            Error = texts["signIn.notAllowed"];
        }
        else
        {
            await audit.FailedAsync(user.UserName!, authenticator ? "wrong authenticator code" : "wrong recovery code");
            Error = texts["code.failed"];
        }

        return Page();
    }

    private string SafeReturnUrl() => ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/backoffice";
}
