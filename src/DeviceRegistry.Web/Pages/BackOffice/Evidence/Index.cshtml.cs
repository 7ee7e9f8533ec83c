using DeviceRegistry.Clones;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.BackOffice;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Evidence;

/// <summary>
/// An IMEI's network evidence for a reviewer (/backoffice/evidence/{imei}, ?appeal=TRACKING highlights that
/// appeal's numbers). Opening it is audited by the query.
/// </summary>
[Authorize(Policy = StaffPolicies.Review)]
public sealed class IndexModel(IMediator mediator, Refusals refusals) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Imei { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? Appeal { get; set; }

    public ImeiEvidence? Evidence { get; private set; }

    public EvidenceTimeline? Timeline { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try
        {
            Evidence = await mediator.Send(new GetImeiEvidence(Imei, User.Actor()) { AppealTracking = Appeal }, ct);
            Timeline = new EvidenceTimeline(Evidence);
        }
        catch (ValidationException ex)
        {
            Error = string.Join("; ", ex.Errors.Select(refusals.Text));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }
}
