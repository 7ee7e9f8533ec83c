using DeviceRegistry.Data;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Clones;

/// <summary>The IMEIs with clone status and their evidence, ordered by IMEI.</summary>
public sealed record ListClones : IRequest<IReadOnlyList<CloneListItem>>;

public sealed record CloneListItem(
    long Imei,
    string Status,
    DateOnly Since,
    string Rule,
    int DistinctImsis,
    int DaysSeen,
    int OverlapDays,
    double OverlapShare,
    int ConcurrentDays,
    int MaxDailyImsis,
    DateOnly FirstSeen,
    DateOnly LastSeen,
    string? GenuineImsi,
    int AllowedImsis,
    DateOnly AsOf);

internal sealed class ListClonesHandler(RegistryDbContext context) : IRequestHandler<ListClones, IReadOnlyList<CloneListItem>>
{
    public async Task<IReadOnlyList<CloneListItem>> Handle(ListClones request, CancellationToken cancellationToken)
    {
        var statuses = await context.Set<CloneStatus>().AsNoTracking()
            .Where(s => s.Status == CloneStatusValues.Clone)
            .OrderBy(s => s.Imei)
            .ToListAsync(cancellationToken);
        var allowed = await context.Set<CloneAllowedPair>().AsNoTracking()
            .GroupBy(p => p.Imei)
            .Select(g => new { Imei = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Imei, x => x.Count, cancellationToken);
        return statuses.Select(s => new CloneListItem(s.Imei, s.Status, s.Since, s.Rule, s.DistinctImsis, s.DaysSeen, s.OverlapDays,
                s.OverlapShare, s.ConcurrentDays, s.MaxDailyImsis, s.FirstSeen, s.LastSeen, s.GenuineImsi,
                allowed.GetValueOrDefault(s.Imei), s.AsOf))
            .ToList();
    }
}
