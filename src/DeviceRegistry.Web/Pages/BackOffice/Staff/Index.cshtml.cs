using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Pages.BackOffice.Staff;

/// <summary>
/// Staff accounts for administrators (/backoffice/staff): the list, adding an account (the generated password
/// is shown once, in the answer to the POST, never put in TempData, a log or the database in clear) and
/// disabling one (a reason is required). The page's policy covers every handler; each POST handler also checks
/// it first, as the appeal pages do, so the rule does not depend on the attribute. The use cases audit each
/// change with the signed-in administrator as the actor.
/// </summary>
[Authorize(Policy = StaffPolicies.Administer)]
public sealed class IndexModel(IMediator mediator, IAuthorizationService authorization, IStringLocalizer<DeviceRegistry.Web.BackOffice.AdminTexts> texts)
    : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    [BindProperty]
    public string? Office { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<StaffUserRow> Users { get; private set; } = [];

    public AddStaffUserResult? Added { get; private set; }

    public string? Disabled => TempData.Peek("staff-disabled") as string;

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Users = await mediator.Send(new ListStaffUsers(), ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, StaffPolicies.Administer)).Succeeded)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var role = Role?.Trim() ?? string.Empty;
        try
        {
            Added = await mediator.Send(new AddStaffUser(
                UserName?.Trim() ?? string.Empty, role, role == StaffRoles.Clerk && !string.IsNullOrWhiteSpace(Office) ? Office.Trim() : null,
                Password: null, User.Actor()), ct);
            // The answer carries the password: no cache may keep it.
            Response.Headers.CacheControl = "no-store";
            UserName = Role = Office = null;
        }
        catch (ValidationException ex)
        {
            Error = string.Join("; ", ex.Errors.Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Users = await mediator.Send(new ListStaffUsers(), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, StaffPolicies.Administer)).Succeeded)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            Error = texts["staff.reasonRequired"];
        }
        else
        {
            try
            {
                var result = await mediator.Send(new DisableStaffUser(UserName?.Trim() ?? string.Empty, User.Actor(), Reason.Trim()), ct);
                TempData["staff-disabled"] = result.UserName;
                return RedirectToPage();
            }
            catch (ValidationException ex)
            {
                Error = string.Join("; ", ex.Errors.Select(e => e.ErrorMessage));
            }
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        Users = await mediator.Send(new ListStaffUsers(), ct);
        return Page();
    }
}
