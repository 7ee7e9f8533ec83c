using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Stolen;

/// <summary>One IMEI of a case as shown: the 15-digit IMEI, when it was blocked and, once recovered, when and by whom.</summary>
public sealed record StolenCaseImeiView(string Imei, DateTime BlockedAt, DateTime? RecoveredAt, string? RecoveredBy);

/// <summary>A case as the CLI and the back office show it.</summary>
public sealed record StolenCaseView(
    string CaseNumber, StolenCaseStatus Status, string ReportedBy, DateTime ReportedAt, string EnteredBy,
    DateTime? RecoveredAt, string? RecoveredBy, IReadOnlyList<StolenCaseImeiView> Imeis)
{
    /// <summary>The audit subject of a case's entries.</summary>
    public static string Subject(string caseNumber) => "stolen:" + caseNumber;
}

/// <summary>A line of a case's history as shown (the IMEI in 15 digits; null for the report itself).</summary>
public sealed record StolenCaseEventView(DateTime At, StolenCaseEventKind Kind, string? Imei, string Actor, string? Detail);

public sealed record StolenCaseHistory(StolenCaseView Case, IReadOnlyList<StolenCaseEventView> Events);

/// <summary>
/// The cases, newest first, at most <paramref name="Limit"/>: optionally one status, and optionally those matching
/// <paramref name="Search"/>, an IMEI (any of the case's, open or recovered) or a case number (exact).
/// </summary>
public sealed record ListStolenCases(StolenCaseStatus? Status = null, string? Search = null, int Limit = 200)
    : IRequest<IReadOnlyList<StolenCaseView>>;

/// <summary>A case with its history, oldest event first; null when no case has that number.</summary>
public sealed record GetStolenCase(string CaseNumber) : IRequest<StolenCaseHistory?>;

internal sealed class ListStolenCasesHandler(RegistryDbContext db) : IRequestHandler<ListStolenCases, IReadOnlyList<StolenCaseView>>
{
    public async Task<IReadOnlyList<StolenCaseView>> Handle(ListStolenCases request, CancellationToken cancellationToken)
    {
        var query = db.Set<StolenCase>().AsNoTracking();
        if (request.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }

        var search = request.Search?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            if (Imei.TryParseFromPerson(search, out var imei, out _))
            {
                query = query.Where(c => c.CaseNumber == search || c.Imeis.Any(i => i.Imei == imei.Key));
            }
            else
            {
                query = query.Where(c => c.CaseNumber == search);
            }
        }

        var cases = await query.OrderByDescending(c => c.Id).Take(Math.Clamp(request.Limit, 1, 1000))
            .Include(c => c.Imeis).AsSplitQuery().ToListAsync(cancellationToken);
        return cases.Select(StolenCaseViews.Of).ToList();
    }
}

internal sealed class GetStolenCaseHandler(RegistryDbContext db) : IRequestHandler<GetStolenCase, StolenCaseHistory?>
{
    public Task<StolenCaseHistory?> Handle(GetStolenCase request, CancellationToken cancellationToken) =>
        StolenCaseViews.LoadAsync(db, request.CaseNumber?.Trim() ?? string.Empty, cancellationToken);
}

internal static class StolenCaseViews
{
    public static async Task<StolenCaseHistory?> LoadAsync(RegistryDbContext db, string number, CancellationToken cancellationToken)
    {
        var stolenCase = await db.Set<StolenCase>().AsNoTracking().Include(c => c.Imeis).Include(c => c.Events).AsSplitQuery()
            .FirstOrDefaultAsync(c => c.CaseNumber == number, cancellationToken);
        return stolenCase is null
            ? null
            : new StolenCaseHistory(Of(stolenCase), stolenCase.Events.OrderBy(e => e.Id)
                .Select(e => new StolenCaseEventView(e.At, e.Kind, e.Imei is { } k ? new Imei(k).WithCheckDigit : null, e.Actor, e.Detail))
                .ToList());
    }

    public static StolenCaseView Of(StolenCase c) => new(
        c.CaseNumber, c.Status, c.ReportedBy, c.ReportedAt, c.EnteredBy, c.RecoveredAt, c.RecoveredBy,
        c.Imeis.OrderBy(i => i.Id).Select(i => new StolenCaseImeiView(new Imei(i.Imei).WithCheckDigit, i.BlockedAt, i.RecoveredAt, i.RecoveredBy)).ToList());
}
