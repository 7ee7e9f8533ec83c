using DeviceRegistry.Appeals;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice;

/// <summary>The receipt after filing: the tracking number to hand to the citizen, the due date, refused documents.</summary>
[Authorize(Policy = StaffPolicies.Intake)]
public sealed class ReceiptModel(IMediator mediator) : PageModel
{
    public AppealDetail? Appeal { get; private set; }

    public IReadOnlyList<string> Refused { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string tracking, CancellationToken ct)
    {
        try
        {
            Appeal = await mediator.Send(new GetAppeal(User.Actor(), tracking), ct);
        }
        catch (AppealException ex) when (ex.Problem == AppealProblem.NotFound)
        {
            return NotFound();
        }

        Refused = (TempData[IntakeModel.RefusedKey] as string)?.Split('\n') ?? [];
        return Page();
    }
}
