using DeviceRegistry.Staff;
using DeviceRegistry.Stolen;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Stolen;

/// <summary>
/// Lost and stolen devices for administrators (/backoffice/stolen): the cases (filter by status, search by IMEI or
/// case number), a case's history (?case=N), and the report and recover forms, which run the same use cases as
/// <c>devreg stolen</c> with the administrator as actor (the use cases audit). Recovery asks for the case number typed
/// as the requester gives it: DIRBS's cross-check. The POST handlers check the policy themselves.
/// </summary>
[Authorize(Policy = StaffPolicies.Administer)]
public sealed class IndexModel(IMediator mediator, IAuthorizationService authorization, Refusals refusals) : PageModel
{
    private static readonly char[] ImeiSeparators = [' ', ',', ';', '\n', '\r', '\t'];

    [BindProperty(SupportsGet = true, Name = "status")]
    public StolenCaseStatus? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    /// <summary>The case whose history is shown.</summary>
    [BindProperty(SupportsGet = true, Name = "case")]
    public string? Case { get; set; }

    /// <summary>After a redirect: "reported" or "recovered".</summary>
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty]
    public string? Imeis { get; set; }

    [BindProperty]
    public string? CaseNumber { get; set; }

    [BindProperty]
    public string? ReportedBy { get; set; }

    /// <summary>Which form the errors belong to: "report" or "recover".</summary>
    public string? Form { get; private set; }

    public IReadOnlyList<StolenCaseView> Cases { get; private set; } = [];

    public StolenCaseHistory? Selected { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public Task<IActionResult> OnPostReportAsync(CancellationToken ct) => ActAsync("report", async number =>
        (await mediator.Send(new ReportStolen(SplitImeis(), number, ReportedBy ?? string.Empty, User.Actor()), ct)).CaseNumber, ct);

    public Task<IActionResult> OnPostRecoverAsync(CancellationToken ct) => ActAsync("recover", async number =>
        (await mediator.Send(new RecoverStolen(SplitImeis(), number, User.Actor()), ct)).CaseNumber, ct);

    private async Task<IActionResult> ActAsync(string form, Func<string, Task<string>> act, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, StaffPolicies.Administer)).Succeeded)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        try
        {
            var number = await act(CaseNumber ?? string.Empty);
            return RedirectToPage(new { @case = number, done = form == "report" ? "reported" : "recovered" });
        }
        catch (ValidationException ex)
        {
            Form = form;
            Errors = ex.Errors.Select(refusals.Text).Distinct().ToList();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Done = null;
            await LoadAsync(ct);
            return Page();
        }
    }

    private List<string> SplitImeis() =>
        (Imeis ?? string.Empty).Split(ImeiSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private async Task LoadAsync(CancellationToken ct)
    {
        Cases = await mediator.Send(new ListStolenCases(Status, Search), ct);
        if (!string.IsNullOrWhiteSpace(Case))
        {
            Selected = await mediator.Send(new GetStolenCase(Case), ct);
        }
    }
}
