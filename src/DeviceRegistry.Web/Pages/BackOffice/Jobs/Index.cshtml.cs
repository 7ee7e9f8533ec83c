using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.BackOffice;
using DeviceRegistry.Web.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Jobs;

/// <summary>
/// The scheduled jobs for administrators (/backoffice/jobs): every job and trigger of this host's Quartz scheduler
/// with its schedule, previous and next fire time in the registry's zone and its state, or a plain statement that
/// no scheduler runs here (<c>Jobs:Enabled</c> false). "Run now" fires a job once, refused while a one-at-a-time
/// job is running, audited with the administrator as actor; the notice after it comes through TempData.
/// The POST handler checks the policy itself, as the staff page does. The page links to the Hangfire dashboard
/// (BackgroundJobsDashboard) when this host has one.
/// </summary>
[Authorize(Policy = StaffPolicies.Administer)]
public sealed class IndexModel(JobsBoard board, RegistryDbContext db, IAuthorizationService authorization) : PageModel
{
    [BindProperty]
    public string? Group { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    public JobsOverview Overview { get; private set; } = null!;

    /// <summary>Whether this host has Hangfire (BackgroundJobs:Enabled), whose dashboard the page links to.</summary>
    public bool BackgroundJobsInHost => HttpContext.RequestServices.GetService<Hangfire.JobStorage>() is not null;

    /// <summary>The latest runs of every job on every node (job_runs).</summary>
    public IReadOnlyList<JobRunView> RecentRuns { get; private set; } = [];

    /// <summary>How many recent runs the page lists.</summary>
    public const int RecentRunCount = 20;

    /// <summary>"Triggered", "AlreadyRunning" or "NoSuchJob" with the job's id, after a "run now".</summary>
    public (RunNowOutcome Outcome, string Job)? Notice { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (TempData["job-run"] is string job && TempData["job-outcome"] is string outcome && Enum.TryParse<RunNowOutcome>(outcome, out var o))
        {
            Notice = (o, job);
        }

        Overview = await board.ReadAsync(ct);
        RecentRuns = await board.RecentRunsAsync(db, RecentRunCount, ct);
    }

    public async Task<IActionResult> OnPostRunAsync(CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, StaffPolicies.Administer)).Succeeded)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var group = Group?.Trim() ?? string.Empty;
        var name = Name?.Trim() ?? string.Empty;
        var outcome = await board.RunNowAsync(group, name, User.Actor(), db, ct);
        if (outcome == RunNowOutcome.Triggered)
        {
            TempData["job-run"] = group + "." + name;
            TempData["job-outcome"] = outcome.ToString();
            return RedirectToPage();
        }

        // Refused: the same page with the reason, and a status that says nothing was done.
        Notice = (outcome, group + "." + name);
        Response.StatusCode = outcome == RunNowOutcome.AlreadyRunning ? StatusCodes.Status409Conflict : StatusCodes.Status404NotFound;
        Overview = await board.ReadAsync(ct);
        RecentRuns = await board.RecentRunsAsync(db, RecentRunCount, ct);
        return Page();
    }
}
