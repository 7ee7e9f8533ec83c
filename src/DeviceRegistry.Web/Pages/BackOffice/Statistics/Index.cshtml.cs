using System.Globalization;
using System.Text;
using DeviceRegistry.Appeals;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Statistics;

/// <summary>Supervisors' statistics (/backoffice/statistics); ?format=csv&amp;series=NAME downloads one series.</summary>
[Authorize(Policy = StaffPolicies.Supervise)]
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public static readonly IReadOnlyList<string> Series = ["outcomes", "offices", "decision-time", "overdue", "clones", "refused"];

    [BindProperty(SupportsGet = true)]
    public string? Format { get; set; }

    [BindProperty(SupportsGet = true, Name = "series")]
    public string? SeriesName { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Weeks { get; set; } = 12;

    public AppealStatistics Statistics { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Statistics = await mediator.Send(new GetAppealStatistics(Math.Clamp(Weeks, 1, 104)), ct);
        if (!string.Equals(Format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            return Page();
        }

        var name = SeriesName?.ToLowerInvariant();
        if (name is null || !Series.Contains(name))
        {
            return BadRequest($"series must be one of {string.Join(", ", Series)}");
        }

        return File(Encoding.UTF8.GetBytes(Csv(Statistics, name)), "text/csv; charset=utf-8", $"appeal-statistics-{name}-{Statistics.Today:yyyy-MM-dd}.csv");
    }

    /// <summary>One series as CSV: a header row of fixed English column names, then one row per value.</summary>
    public static string Csv(AppealStatistics s, string series)
    {
        var csv = new StringBuilder();
        void Row(params object?[] values) => csv.Append(string.Join(',', values.Select(Cell))).Append("\r\n");
        switch (series)
        {
            case "outcomes":
                Row("outcome", "appeals");
                s.ByOutcome.ToList().ForEach(o => Row(o.Group, o.Appeals));
                break;
            case "offices":
                Row("office", "filed", "open", "overdue", "approved", "rejected", "withdrawn");
                s.ByOffice.ToList().ForEach(o => Row(o.Office, o.Filed, o.Open, o.Overdue, o.Approved, o.Rejected, o.Withdrawn));
                break;
            case "decision-time":
                Row("decided", "median_days", "p90_days");
                Row(s.TimeToDecision.Decided, s.TimeToDecision.MedianDays, s.TimeToDecision.P90Days);
                break;
            case "overdue":
                Row("tracking_number", "office", "status", "due_on", "days_overdue");
                s.Overdue.ToList().ForEach(o => Row(o.TrackingNumber, o.Office, o.Status, o.DueOn, o.DaysOverdue));
                break;
            case "clones":
                Row("week_start", "clones_flagged");
                s.ClonesFlagged.ToList().ForEach(w => Row(w.WeekStart, w.Count));
                break;
            default:
                Row("week_start", "refused", "answers");
                s.RefusedAttaches.ToList().ForEach(w => Row(w.WeekStart, w.Refused, w.Answers));
                break;
        }

        return csv.ToString();
    }

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            double x => x.ToString("0.##", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        // Quote what needs it, and defuse cells a spreadsheet would run as a formula.
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' && value is string)
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
