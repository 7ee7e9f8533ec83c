using DeviceRegistry.Appeals;
using DeviceRegistry.Staff;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Appeals;

/// <summary>
/// One appeal: applicant, numbers, trail, documents, the link to the evidence view, and the forms the actor
/// may use now. Razor Pages cannot put [Authorize] on a handler, so each POST handler checks its policy
/// first and answers 403 when the role does not fit (a crafted POST included); the use case checks the person.
/// </summary>
[Authorize(Policy = StaffPolicies.Staff)]
public sealed class DetailModel(IMediator mediator, IAuthorizationService authorization, Refusals refusals) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Tracking { get; set; } = string.Empty;

    [BindProperty]
    public int Version { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? AssignTo { get; set; }

    [BindProperty]
    public List<string> Imsis { get; set; } = [];

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public AppealDetail? Appeal { get; private set; }

    public string? Error { get; private set; }

    public bool Done => TempData.Peek("appeal-done") is not null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnGetAttachmentAsync(long id, CancellationToken ct)
    {
        try
        {
            var file = await mediator.Send(new OpenAttachment(User.Actor(), Tracking, id), ct);
            return File(file.Content, file.ContentType, file.FileName);
        }
        catch (AppealException)
        {
            return NotFound();
        }
    }

    public Task<IActionResult> OnPostTakeAsync(CancellationToken ct) => ActAsync(StaffPolicies.Review, actor =>
        mediator.Send(new AssignAppeal { Actor = actor, TrackingNumber = Tracking, Version = Version }, ct), ct);

    public Task<IActionResult> OnPostAssignAsync(CancellationToken ct) => ActAsync(StaffPolicies.Supervise, actor =>
        mediator.Send(new AssignAppeal { Actor = actor, TrackingNumber = Tracking, Version = Version, AssigneeUserName = AssignTo ?? string.Empty }, ct), ct);

    public Task<IActionResult> OnPostRequestInformationAsync(CancellationToken ct) => ActAsync(StaffPolicies.Review, actor =>
        mediator.Send(new RequestInformation { Actor = actor, TrackingNumber = Tracking, Version = Version, Message = Text ?? string.Empty }, ct), ct);

    public Task<IActionResult> OnPostProvideInformationAsync(CancellationToken ct) => ActAsync(StaffPolicies.Intake, async actor =>
    {
        byte[]? content = null;
        if (Upload is { Length: > 0 })
        {
            using var stream = new MemoryStream();
            await Upload.CopyToAsync(stream, ct);
            content = stream.ToArray();
        }

        return await mediator.Send(new ProvideInformation
        {
            Actor = actor, TrackingNumber = Tracking, Version = Version, Answer = Text ?? string.Empty,
            FileName = Upload?.FileName, ContentType = Upload?.ContentType, Content = content,
        }, ct);
    }, ct);

    public Task<IActionResult> OnPostAddAttachmentAsync(CancellationToken ct) => ActAsync(StaffPolicies.Intake, async actor =>
    {
        if (Upload is not { Length: > 0 })
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentMissing, "choose a file");
        }

        using var stream = new MemoryStream();
        await Upload.CopyToAsync(stream, ct);
        await mediator.Send(new AddAttachment { Actor = actor, TrackingNumber = Tracking, FileName = Upload.FileName, ContentType = Upload.ContentType, Content = stream.ToArray() }, ct);
        return 0;
    }, ct);

    public Task<IActionResult> OnPostPairAsync(CancellationToken ct) => DecideAsync(StaffPolicies.Review, AppealDecision.Pair, ct);

    public Task<IActionResult> OnPostProposeLiftAsync(CancellationToken ct) => DecideAsync(StaffPolicies.Review, AppealDecision.ProposeLift, ct);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken ct) => DecideAsync(StaffPolicies.Review, AppealDecision.Reject, ct);

    public Task<IActionResult> OnPostConfirmLiftAsync(CancellationToken ct) => DecideAsync(StaffPolicies.Supervise, AppealDecision.ConfirmLift, ct);

    public Task<IActionResult> OnPostReturnLiftAsync(CancellationToken ct) => DecideAsync(StaffPolicies.Supervise, AppealDecision.ReturnLift, ct);

    private Task<IActionResult> DecideAsync(string policy, AppealDecision decision, CancellationToken ct) => ActAsync(policy, async actor =>
        (await mediator.Send(new DecideAppeal
        {
            Actor = actor, TrackingNumber = Tracking, Version = Version, Decision = decision, Reason = Text,
            Imsis = decision == AppealDecision.Pair ? Imsis : null,
        }, ct)).Version, ct);

    private async Task<IActionResult> ActAsync<T>(string policy, Func<StaffActor, Task<T>> act, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, policy)).Succeeded)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        try
        {
            await act(User.Actor());
            TempData["appeal-done"] = "1";
            return Redirect($"/backoffice/appeals/{Appeal?.TrackingNumber ?? Tracking.Trim().ToUpperInvariant()}");
        }
        catch (ValidationException ex)
        {
            Error = string.Join("; ", ex.Errors.Select(refusals.Text));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (AppealException ex)
        {
            if (ex.Problem == AppealProblem.NotFound)
            {
                return NotFound();
            }

            Error = refusals.Text(ex);
            Response.StatusCode = ex.Problem switch
            {
                AppealProblem.Forbidden => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status409Conflict,
            };
        }

        var status = Response.StatusCode;
        var loaded = await LoadAsync(ct);
        Response.StatusCode = status;
        return loaded ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        try
        {
            Appeal = await mediator.Send(new GetAppeal(User.Actor(), Tracking), ct);
            return null;
        }
        catch (AppealException)
        {
            return NotFound();
        }
    }
}
