using System.Globalization;
using DeviceRegistry.Data;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Sightings;

/// <summary>
/// Drops whole months of sightings older than <c>Sightings:RetentionMonths</c> (default 6): the
/// current month (in <c>Ingest:UtcOffset</c>, or that of <see cref="AsOf"/>) and the N months before it
/// are kept. seen_imeis is kept: first sightings are history the registration window depends on.
/// </summary>
public sealed record ApplySightingsRetention(DateOnly? AsOf = null) : IRequest<SightingsRetentionResult>;

public sealed record SightingsRetentionResult(int OldestKeptMonth, int DeletedRows);

public sealed class ApplySightingsRetentionHandler(RegistryDbContext context, IConfiguration configuration, TimeProvider clock)
    : IRequestHandler<ApplySightingsRetention, SightingsRetentionResult>
{
    public const int DefaultRetentionMonths = 6;

    public async Task<SightingsRetentionResult> Handle(ApplySightingsRetention request, CancellationToken cancellationToken)
    {
        var months = DefaultRetentionMonths;
        var text = configuration["Sightings:RetentionMonths"];
        if (!string.IsNullOrWhiteSpace(text)
            && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out months) || months < 1))
        {
            throw new InvalidOperationException($"Sightings:RetentionMonths is '{text}'; it must be a whole number of months, at least 1.");
        }

        var offset = IngestSettings.FromConfiguration(configuration).UtcOffset;
        var today = request.AsOf ?? DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(offset).DateTime);
        var oldestKept = new DateOnly(today.Year, today.Month, 1).AddMonths(-months);
        var oldestKeptMonth = (oldestKept.Year * 100) + oldestKept.Month;
        var deleted = await context.Sightings.Where(s => s.Month < oldestKeptMonth).ExecuteDeleteAsync(cancellationToken);
        return new SightingsRetentionResult(oldestKeptMonth, deleted);
    }
}
