using DeviceRegistry.Appeals;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Appeals;

/// <summary>The appeals queue (GET filters, paging); a clerk sees their office's only.</summary>
[Authorize(Policy = StaffPolicies.Staff)]
public sealed class IndexModel(IMediator mediator, Refusals refusals) : PageModel
{
    public const int PageSize = 50;

    /// <summary>"open" (default), "all" or a status name.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Office { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? OlderThan { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [BindProperty(SupportsGet = true)]
    public QueueAssignment Assigned { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public AppealQueuePage? Queue { get; private set; }

    public string? Error { get; private set; }

    public bool IsClerk { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var actor = User.Actor();
        IsClerk = !actor.IsIn(StaffRoles.Reviewer) && !actor.IsIn(StaffRoles.Supervisor) && actor.IsIn(StaffRoles.Clerk);
        AppealStatus? status = Enum.TryParse<AppealStatus>(Status, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null;
        try
        {
            Queue = await mediator.Send(new GetAppealQueue
            {
                Actor = actor,
                Status = status,
                OpenOnly = status is null && !string.Equals(Status, "all", StringComparison.OrdinalIgnoreCase),
                Office = IsClerk ? null : Office,
                OlderThanDays = OlderThan,
                OverdueOnly = Overdue,
                Assignment = Assigned,
                Page = Math.Max(1, PageNumber),
                PageSize = PageSize,
            }, ct);
        }
        catch (ValidationException ex)
        {
            Error = string.Join("; ", ex.Errors.Select(refusals.Text));
        }
    }

    /// <summary>The current filters with another page number.</summary>
    public Dictionary<string, string> RouteFor(int page) => new Dictionary<string, string?>
    {
        ["status"] = Status,
        ["office"] = Office,
        ["olderThan"] = OlderThan?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["overdue"] = Overdue ? "true" : null,
        ["assigned"] = Assigned == QueueAssignment.Anyone ? null : Assigned.ToString(),
        ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value!);
}
