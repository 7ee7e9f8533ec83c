using DeviceRegistry.Appeals;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice;

/// <summary>A clerk files a citizen's appeal (with its documents); the receipt shows the tracking number to hand over.</summary>
[Authorize(Policy = StaffPolicies.Intake)]
public sealed class IntakeModel(IMediator mediator, Refusals refusals) : PageModel
{
    public const string RefusedKey = "attachments-refused";

    [BindProperty]
    public string? Imei { get; set; }

    [BindProperty]
    public OwnerDocumentType DocumentType { get; set; } = OwnerDocumentType.IdCard;

    [BindProperty]
    public string? DocumentNumber { get; set; }

    [BindProperty]
    public string? ApplicantName { get; set; }

    [BindProperty]
    public string? ContactNumber { get; set; }

    [BindProperty]
    public List<string?> Numbers { get; set; } = [];

    [BindProperty]
    public AppealReason Reason { get; set; } = AppealReason.NumberChange;

    [BindProperty]
    public string? ReasonText { get; set; }

    [BindProperty]
    public string Language { get; set; } = "az";

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    /// <summary>The validator's messages by field, in the reader's language.</summary>
    public ILookup<string, string> Errors { get; private set; } = Array.Empty<string>().ToLookup(x => x);

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var actor = User.Actor();
        FiledAppeal filed;
        try
        {
            filed = await mediator.Send(new FileAppeal
            {
                Actor = actor,
                Imei = Imei ?? string.Empty,
                DocumentType = DocumentType,
                DocumentNumber = DocumentNumber ?? string.Empty,
                ApplicantName = ApplicantName ?? string.Empty,
                ContactNumber = ContactNumber ?? string.Empty,
                Numbers = Numbers.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!).ToList(),
                Reason = Reason,
                ReasonText = ReasonText,
                Language = Language,
            }, ct);
        }
        catch (ValidationException ex)
        {
            Errors = ex.Errors.ToLookup(e => FieldOf(e.PropertyName), refusals.Text);
            Error = "fix";
            return Page();
        }
        catch (AppealException ex)
        {
            Error = refusals.Text(ex);
            return Page();
        }

        var refused = new List<string>();
        foreach (var file in Files.Where(f => f.Length > 0))
        {
            using var stream = new MemoryStream();
            await file.CopyToAsync(stream, ct);
            try
            {
                await mediator.Send(new AddAttachment
                {
                    Actor = actor, TrackingNumber = filed.TrackingNumber, FileName = file.FileName, ContentType = file.ContentType, Content = stream.ToArray(),
                }, ct);
            }
            catch (AppealException ex)
            {
                refused.Add(refusals.Text(ex));
            }
        }

        if (refused.Count > 0)
        {
            TempData[RefusedKey] = string.Join("\n", refused);
        }

        return Redirect($"/backoffice/intake/receipt/{filed.TrackingNumber}");
    }

    /// <summary>"Numbers[2]" is shown beside the numbers.</summary>
    private static string FieldOf(string property)
    {
        var bracket = property.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? property : property[..bracket];
    }
}
