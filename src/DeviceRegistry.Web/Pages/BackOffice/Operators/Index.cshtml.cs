using DeviceRegistry.Operators;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Operators;

/// <summary>
/// Mobile operators for administrators (/backoffice/operators): the list (name, created, whether an API credential
/// is set; never its hash) and <see cref="AddOperator"/>: a new operator with its credential, or a new credential for
/// an existing one (the old one stops working). The secret is shown once, in the answer to the POST with
/// Cache-Control: no-store, and is never put in TempData, a log or the audit entry; the use case audits the change
/// with the administrator as actor. The POST handler checks the policy itself, as the staff page does.
/// </summary>
[Authorize(Policy = StaffPolicies.Administer)]
public sealed class IndexModel(IMediator mediator, IAuthorizationService authorization) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    public IReadOnlyList<OperatorRow> Operators { get; private set; } = [];

    public AddOperatorResult? Issued { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Operators = await mediator.Send(new ListOperators(), ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, StaffPolicies.Administer)).Succeeded)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        try
        {
            Issued = await mediator.Send(new AddOperator(Name?.Trim() ?? string.Empty, User.Actor()), ct);
            // The answer carries the secret: no cache may keep it.
            Response.Headers.CacheControl = "no-store";
            Name = null;
        }
        catch (ValidationException ex)
        {
            Error = string.Join("; ", ex.Errors.Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Operators = await mediator.Send(new ListOperators(), ct);
        return Page();
    }
}
