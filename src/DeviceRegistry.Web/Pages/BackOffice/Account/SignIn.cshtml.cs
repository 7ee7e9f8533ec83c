using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Pages.BackOffice.Account;

/// <summary>Staff sign-in with user name and password; a second factor follows where the account has one.</summary>
[AllowAnonymous]
public sealed class SignInModel(SignInManager<StaffUser> signIn, SignInAudit audit, IStringLocalizer<AccountTexts> texts) : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = texts["signIn.required"];
            return Page();
        }

        var name = UserName.Trim();
        var user = await signIn.UserManager.FindByNameAsync(name);
        var result = await signIn.PasswordSignInAsync(name, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.SignedInAsync(user!, "password");
            return LocalRedirect(SafeReturnUrl());
        }

        if (result.RequiresTwoFactor)
        {
            // Audited once the code is checked (SignInCode).
            return RedirectToPage("SignInCode", new { returnUrl = SafeReturnUrl() });
        }

        if (user is null)
        {
            await audit.FailedAsync(name, "unknown user name");
            Error = texts["signIn.failed"];
        }
        else if (user.DisabledAt is not null)
        {
            // Only someone who knows the password learns that the account is disabled.
            var passwordRight = await signIn.UserManager.CheckPasswordAsync(user, Password);
            await audit.FailedAsync(name, passwordRight ? "account disabled" : "account disabled; wrong password");
            Error = passwordRight ? texts["signIn.disabled"] : texts["signIn.failed"];
        }
        else if (result.IsLockedOut)
        {
            await audit.FailedAsync(name, "locked out");
            Error = texts["signIn.lockedOut"];
        }
        else
        {
            await audit.FailedAsync(name, result.IsNotAllowed ? "not allowed" : "wrong password");
            Error = result.IsNotAllowed ? texts["signIn.notAllowed"] : texts["signIn.failed"];
        }

        return Page();
    }

    private string SafeReturnUrl() => ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/backoffice";
}
