using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Audit;

/// <summary>
/// Reads the audit log (/backoffice/audit), newest first, with keyset paging on the entry id: a page is
/// "the <see cref="PageSize"/> newest entries with an id below <see cref="BeforeId"/>", so a page deep in
/// millions of rows costs what the first one costs. Filters combine (AND): an IMEI (15 digits), an actor's
/// user name (exact), an action (one of <see cref="AuditActions.All"/>), a subject (equal, or containing the
/// text; case-sensitive), and a range of the registry's days (<c>Registry:TimeZone</c>, both ends included).
/// Reading the log shows identities, so each read is itself audited (<see cref="AuditActions.AuditViewed"/>,
/// the filters in its <c>after</c>), committed before the entries are returned; the new entry is not part of
/// the page it records.
/// </summary>
public sealed record GetAuditEntries : IRequest<AuditEntriesPage>
{
    public const int MaxPageSize = 1000;

    public required StaffActor Actor { get; init; }

    public string? Imei { get; init; }

    public string? ActorName { get; init; }

    public string? Action { get; init; }

    public string? Subject { get; init; }

    /// <summary>True: the subject must equal <see cref="Subject"/> (uses ix_audit_entries_subject); false: contain it.</summary>
    public bool SubjectExact { get; init; }

    /// <summary>The first registry day included.</summary>
    public DateOnly? From { get; init; }

    /// <summary>The last registry day included.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Keyset: only entries with an id below this one (the previous page's <see cref="AuditEntriesPage.NextBeforeId"/>).</summary>
    public long? BeforeId { get; init; }

    public int PageSize { get; init; } = 50;

    /// <summary>How the entries are shown, recorded with the view: "page" or "csv".</summary>
    public string Purpose { get; init; } = "page";

    /// <summary>
    /// False only for the second and later pages of one export, whose first page recorded the view.
    /// </summary>
    public bool RecordView { get; init; } = true;
}

/// <param name="AtLocal">The time in the registry's zone.</param>
/// <param name="Imei">The IMEI concerned as 15 digits, when there is one.</param>
public sealed record AuditEntryRow(
    long Id, DateTime At, DateTime AtLocal, string ActorName, string Action, string Subject, string? Imei, string? Reason, string? Before, string? After);

/// <param name="NextBeforeId">The <see cref="GetAuditEntries.BeforeId"/> of the next (older) page; null on the last page.</param>
public sealed record AuditEntriesPage(IReadOnlyList<AuditEntryRow> Rows, long? NextBeforeId, string TimeZone);

public sealed class GetAuditEntriesValidator : AbstractValidator<GetAuditEntries>
{
    public GetAuditEntriesValidator()
    {
        RuleFor(x => x.Actor).NotNull();
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (!string.IsNullOrWhiteSpace(text) && !GetImeiEvidenceHandler.TryParse(text, out _, out var problem, out var code))
            {
                ctx.AddFailure(RefusalCodes.Failure(ctx.PropertyPath, code, $"'{text.Trim()}': {problem}", text.Trim()));
            }
        });
        RuleFor(x => x.ActorName).MaximumLength(256).WithMessage("a user name has at most 256 characters");
        RuleFor(x => x.Subject).MaximumLength(200).WithMessage("a subject has at most 200 characters");
        RuleFor(x => x.Action)
            .Must(a => string.IsNullOrWhiteSpace(a) || AuditActions.All.Contains(a.Trim()))
            .WithMessage(x => $"'{x.Action}' is not an audited action");
        RuleFor(x => x.To)
            .Must((x, to) => x.From is null || to is null || x.From <= to)
            .WithMessage("the range ends before it starts");
        RuleFor(x => x.BeforeId).GreaterThan(0).When(x => x.BeforeId is not null);
        RuleFor(x => x.PageSize).InclusiveBetween(1, GetAuditEntries.MaxPageSize);
        RuleFor(x => x.Purpose).Must(p => p is "page" or "csv");
    }
}

internal sealed class GetAuditEntriesHandler(RegistryDbContext db, RegistryClock clock) : IRequestHandler<GetAuditEntries, AuditEntriesPage>
{
    public async Task<AuditEntriesPage> Handle(GetAuditEntries request, CancellationToken ct)
    {
        long? imeiKey = null;
        if (!string.IsNullOrWhiteSpace(request.Imei))
        {
            if (!GetImeiEvidenceHandler.TryParse(request.Imei, out var imei, out var problem, out _))
            {
                throw new InvalidOperationException($"'{request.Imei}': {problem}");
            }

            imeiKey = imei.Key;
        }

        var actorName = Blank(request.ActorName);
        var action = Blank(request.Action);
        var subject = Blank(request.Subject);
        var query = db.Set<AuditEntry>().AsNoTracking();
        if (imeiKey is { } key)
        {
            query = query.Where(a => a.Imei == key);
        }

        if (actorName is not null)
        {
            query = query.Where(a => a.ActorName == actorName);
        }

        if (action is not null)
        {
            query = query.Where(a => a.Action == action);
        }

        if (subject is not null)
        {
            query = request.SubjectExact ? query.Where(a => a.Subject == subject) : query.Where(a => a.Subject.Contains(subject));
        }

        if (request.From is { } from)
        {
            var start = StartOfDay(from);
            query = query.Where(a => a.At >= start);
        }

        if (request.To is { } to)
        {
            var end = StartOfDay(to.AddDays(1));
            query = query.Where(a => a.At < end);
        }

        if (request.BeforeId is { } before)
        {
            query = query.Where(a => a.Id < before);
        }

        var entries = await query.OrderByDescending(a => a.Id).Take(request.PageSize + 1).ToListAsync(ct);
        var more = entries.Count > request.PageSize;
        if (more)
        {
            entries.RemoveAt(entries.Count - 1);
        }

        if (request.RecordView)
        {
            AuditLog.Record(db, request.Actor, AuditActions.AuditViewed, "audit", clock.UtcNow.UtcDateTime, imei: imeiKey,
                after: new
                {
                    request.Purpose, Imei = imeiKey is null ? null : request.Imei!.Trim(), ActorName = actorName, Action = action, Subject = subject,
                    request.SubjectExact, request.From, request.To, request.BeforeId, Shown = entries.Count,
                });
            await db.SaveChangesAsync(ct);
        }

        var rows = entries.Select(a => new AuditEntryRow(
                a.Id, a.At, TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(a.At, DateTimeKind.Utc), clock.Zone), a.ActorName, a.Action, a.Subject,
                a.Imei is { } k ? new Imei(k).WithCheckDigit : null, a.Reason, a.Before, a.After))
            .ToList();
        return new AuditEntriesPage(rows, more ? entries[^1].Id : null, clock.Zone.Id);
    }

    /// <summary>The UTC instant a registry day begins.</summary>
    private DateTime StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return DateTime.SpecifyKind(local - clock.Zone.GetUtcOffset(local), DateTimeKind.Utc);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
