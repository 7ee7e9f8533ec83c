using System.Globalization;
using System.Text;
using DeviceRegistry.Audit;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DeviceRegistry.Web.Pages.BackOffice.Audit;

/// <summary>
/// The audit log for supervisors and administrators (/backoffice/audit): GET filters, newest first, keyset
/// paging (?before=ID), ?format=csv downloads every entry the filters select. Each view and each download is
/// itself audited by the query.
/// </summary>
[Authorize(Policy = StaffPolicies.Audit)]
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public const int PageSize = 50;

    private const int CsvBatch = 1000;

    [BindProperty(SupportsGet = true)]
    public string? Imei { get; set; }

    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? ActorName { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionName { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Exact { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Format { get; set; }

    public AuditEntriesPage? Entries { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var csv = string.Equals(Format, "csv", StringComparison.OrdinalIgnoreCase);
        try
        {
            if (csv)
            {
                return File(Encoding.UTF8.GetBytes(await CsvAsync(ct)), "text/csv; charset=utf-8",
                    $"audit-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv");
            }

            Entries = await mediator.Send(Query(Before, PageSize, "page", recordView: true), ct);
        }
        catch (ValidationException ex)
        {
            Error = string.Join("; ", ex.Errors.Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    private GetAuditEntries Query(long? before, int size, string purpose, bool recordView) => new()
    {
        Actor = User.Actor(), Imei = Imei, ActorName = ActorName, Action = ActionName, Subject = Subject, SubjectExact = Exact,
        From = From, To = To, BeforeId = before, PageSize = size, Purpose = purpose, RecordView = recordView,
    };

    /// <summary>
    /// Every entry the filters select (from ?before= on, when given), in batches along the keyset; the view is
    /// recorded once, with the first batch. Columns: fixed English names, times in UTC and in the registry's zone.
    /// </summary>
    private async Task<string> CsvAsync(CancellationToken ct)
    {
        var csv = new StringBuilder();
        void Row(params string?[] values) => csv.Append(string.Join(',', values.Select(Cell))).Append("\r\n");
        Row("id", "at_utc", "at_local", "actor", "action", "subject", "imei", "reason", "before", "after");
        long? before = Before;
        var first = true;
        do
        {
            var page = await mediator.Send(Query(before, CsvBatch, "csv", recordView: first), ct);
            first = false;
            foreach (var r in page.Rows)
            {
                Row(r.Id.ToString(CultureInfo.InvariantCulture), r.At.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    r.AtLocal.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.ActorName, r.Action, r.Subject, r.Imei,
                    r.Reason, r.Before, r.After);
            }

            before = page.NextBeforeId;
        }
        while (before is not null);
        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting; a cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Where a subject can be opened: an appeal's page or an IMEI's evidence view; null for others.</summary>
    public static string? LinkFor(string subject)
    {
        if (subject.StartsWith("appeal:", StringComparison.Ordinal) && subject.Length > 7)
        {
            return "/backoffice/appeals/" + Uri.EscapeDataString(subject[7..]);
        }

        if (subject.StartsWith("imei:", StringComparison.Ordinal) && subject.Length == 20 && subject[5..].All(char.IsAsciiDigit))
        {
            return "/backoffice/evidence/" + subject[5..];
        }

        return null;
    }

    /// <summary>The current filters, with another keyset position (null: the newest) and optionally a format.</summary>
    public Dictionary<string, string> RouteFor(long? before, string? format = null) => new Dictionary<string, string?>
    {
        ["imei"] = Imei,
        ["actor"] = ActorName,
        ["action"] = ActionName,
        ["subject"] = Subject,
        ["exact"] = Exact ? "true" : null,
        ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["before"] = before?.ToString(CultureInfo.InvariantCulture),
        ["format"] = format,
    }.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value!);
}
