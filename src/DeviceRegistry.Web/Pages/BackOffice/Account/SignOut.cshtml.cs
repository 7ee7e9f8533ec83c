using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Account;

/// <summary>
/// Signs out (a POST with its anti-forgery token; a GET only shows the sign-in page): the cookie is removed and
/// the account's security stamp renewed, so a copy of the cookie no longer works either.
/// </summary>
[AllowAnonymous]
public sealed class SignOutModel(SignInManager<StaffUser> signIn, SignInAudit audit) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("SignIn");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true && await signIn.UserManager.GetUserAsync(User) is { } user)
        {
            await audit.SignedOutAsync(User);
            // A new security stamp: a copy of this session's cookie stops working at its next stamp check (within a minute).
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return RedirectToPage("SignIn");
    }
}
