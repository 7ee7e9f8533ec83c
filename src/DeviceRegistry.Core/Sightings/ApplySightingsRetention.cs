using DeviceRegistry.Data;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Sightings;

/// <summary>
/// Drops whole months of sightings older than <c>Sightings:RetentionMonths</c> (default 6): the
/// current month (the registry's, or that of <see cref="AsOf"/>) and the N months before it
/// are kept. seen_imeis is kept: first sightings are history the registration window depends on.
/// </summary>
public sealed record ApplySightingsRetention(DateOnly? AsOf = null) : IRequest<SightingsRetentionResult>;

public sealed record SightingsRetentionResult(int OldestKeptMonth, int DeletedRows);

public sealed class ApplySightingsRetentionHandler(RegistryDbContext context, SightingsSettings settings, Infrastructure.RegistryClock clock)
    : IRequestHandler<ApplySightingsRetention, SightingsRetentionResult>
{
    public async Task<SightingsRetentionResult> Handle(ApplySightingsRetention request, CancellationToken cancellationToken)
    {
        var today = request.AsOf ?? clock.Today();
        var oldestKept = new DateOnly(today.Year, today.Month, 1).AddMonths(-settings.RetentionMonths);
        var oldestKeptMonth = (oldestKept.Year * 100) + oldestKept.Month;
        var deleted = await context.Sightings.Where(s => s.Month < oldestKeptMonth).ExecuteDeleteAsync(cancellationToken);
        return new SightingsRetentionResult(oldestKeptMonth, deleted);
    }
}
