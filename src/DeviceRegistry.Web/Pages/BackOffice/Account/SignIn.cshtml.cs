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
public sealed class SignInModel(SignInManager<StaffUser> signIn, IStringLocalizer<AccountTexts> texts) : PageModel
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

        var result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(SafeReturnUrl());
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("SignInCode", new { returnUrl = SafeReturnUrl() });
        }

        Error = result.IsLockedOut ? texts["signIn.lockedOut"] : result.IsNotAllowed ? texts["signIn.notAllowed"] : texts["signIn.failed"];
        return Page();
    }

    private string SafeReturnUrl() => ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/backoffice";
}
