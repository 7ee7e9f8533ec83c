using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>Whose appeals a queue shows.</summary>
public enum QueueAssignment
{
    Anyone,
    Mine,
    Unassigned,
}

/// <summary>
/// The appeals queue, oldest first: reviewers and supervisors see every office's, a clerk only their own.
/// Filters: status (or open ones only), office, older than N days, overdue only (open and past the due
/// date), assigned to me or unassigned. Offset paging on the indexes of database/*/0006 (status+filed_at,
/// office+status+filed_at, assigned_to_id, filed_at).
/// </summary>
public sealed record GetAppealQueue : IRequest<AppealQueuePage>
{
    public required StaffActor Actor { get; init; }

    public AppealStatus? Status { get; init; }

    /// <summary>Only open appeals (New, InReview, InformationRequested, AwaitingConfirmation) when no status is given.</summary>
    public bool OpenOnly { get; init; }

    public string? Office { get; init; }

    public int? OlderThanDays { get; init; }

    public bool OverdueOnly { get; init; }

    public QueueAssignment Assignment { get; init; }

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 50;
}

public sealed record AppealQueueRow(
    string TrackingNumber, string Imei, AppealStatus Status, string Office, DateTime FiledAt, DateOnly DueOn, bool Overdue,
    string? AssigneeName);

public sealed record AppealQueuePage(IReadOnlyList<AppealQueueRow> Rows, int Page, int PageSize, int Total, DateOnly Today)
{
    public int Pages => Total == 0 ? 1 : ((Total - 1) / PageSize) + 1;
}

internal sealed class GetAppealQueueValidator : AbstractValidator<GetAppealQueue>
{
    public GetAppealQueueValidator()
    {
        RuleFor(x => x.Page).InclusiveBetween(1, 100_000).WithErrorCode(RefusalCodes.QueuePage).WithMessage("the page is from 1");
        RuleFor(x => x.PageSize).InclusiveBetween(1, 200).WithErrorCode(RefusalCodes.QueuePageSize).WithMessage("a page has 1 to 200 appeals");
        RuleFor(x => x.OlderThanDays).InclusiveBetween(0, 3650).When(x => x.OlderThanDays is not null)
            .WithErrorCode(RefusalCodes.QueueAge).WithMessage("the age is 0 to 3650 days");
    }
}

internal sealed class GetAppealQueueHandler(RegistryDbContext db, RegistryClock clock) : IRequestHandler<GetAppealQueue, AppealQueuePage>
{
    private static readonly AppealStatus[] Open =
        [AppealStatus.New, AppealStatus.InReview, AppealStatus.InformationRequested, AppealStatus.AwaitingConfirmation];

    public async Task<AppealQueuePage> Handle(GetAppealQueue request, CancellationToken cancellationToken)
    {
        var actor = request.Actor;
        var today = clock.Today();
        var query = db.Set<Appeal>().AsNoTracking();
        if (!AppealWorkflow.IsNational(actor))
        {
            // A clerk sees their own office's appeals only, whatever office the filter names.
            var office = actor.IsIn(StaffRoles.Clerk) ? actor.Office : null;
            query = office is null ? query.Where(_ => false) : query.Where(a => a.Office == office);
        }
        else if (!string.IsNullOrWhiteSpace(request.Office))
        {
            var office = request.Office.Trim();
            query = query.Where(a => a.Office == office);
        }

        if (request.Status is { } status)
        {
            query = query.Where(a => a.Status == status);
        }
        else if (request.OpenOnly || request.OverdueOnly)
        {
            query = query.Where(a => Open.Contains(a.Status));
        }

        if (request.OverdueOnly)
        {
            query = query.Where(a => a.DueOn < today && Open.Contains(a.Status));
        }

        if (request.OlderThanDays is { } days)
        {
            var before = clock.UtcNow.UtcDateTime.AddDays(-days);
            query = query.Where(a => a.FiledAt < before);
        }

        query = request.Assignment switch
        {
            QueueAssignment.Mine => query.Where(a => a.AssignedToId == actor.UserId),
            QueueAssignment.Unassigned => query.Where(a => a.AssignedToId == null),
            _ => query,
        };

        var total = await query.CountAsync(cancellationToken);
        var rows = await query
            .OrderBy(a => a.FiledAt).ThenBy(a => a.Id)
            .Skip((request.Page - 1) * request.PageSize).Take(request.PageSize)
            .Select(a => new
            {
                a.TrackingNumber, a.Imei, a.Status, a.Office, a.FiledAt, a.DueOn,
                Assignee = db.Users.Where(u => u.Id == a.AssignedToId).Select(u => u.UserName).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return new AppealQueuePage(
            rows.Select(r => new AppealQueueRow(r.TrackingNumber, new Imei(r.Imei).WithCheckDigit, r.Status, r.Office,
                DateTime.SpecifyKind(r.FiledAt, DateTimeKind.Utc), r.DueOn, Appeal.IsOpen(r.Status) && r.DueOn < today, r.Assignee)).ToList(),
            request.Page, request.PageSize, total, today);
    }
}
