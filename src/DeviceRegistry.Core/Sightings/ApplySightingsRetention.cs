using DeviceRegistry.Data;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Sightings;

/// <summary>
/// Drops whole months of sightings older than <c>Sightings:RetentionMonths</c> (default 6): the
/// current month (the registry's, or that of <see cref="AsOf"/>) and the N months before it
/// are kept; on PostgreSQL by dropping their partitions, in a moment whatever their size (and deferred ingests' pending
/// rows of those months are deleted). seen_imeis is
/// kept: first sightings are history the registration window depends on.
/// </summary>
public sealed record ApplySightingsRetention(DateOnly? AsOf = null) : IRequest<SightingsRetentionResult>;

/// <summary>
/// What retention removed: on SQLite the rows of the old months (<see cref="DeletedRows"/>, counted); on PostgreSQL the
/// old months' partitions, dropped whole (<see cref="DroppedMonths"/>; their rows are not counted, which would take as
/// long as the delete retention by partition avoids).
/// </summary>
public sealed record SightingsRetentionResult(int OldestKeptMonth, int? DeletedRows, IReadOnlyList<int> DroppedMonths);

public sealed class ApplySightingsRetentionHandler(RegistryDbContext context, SightingsSettings settings, Infrastructure.RegistryClock clock)
    : IRequestHandler<ApplySightingsRetention, SightingsRetentionResult>
{
    public async Task<SightingsRetentionResult> Handle(ApplySightingsRetention request, CancellationToken cancellationToken)
    {
        var today = request.AsOf ?? clock.Today();
        var oldestKept = new DateOnly(today.Year, today.Month, 1).AddMonths(-settings.RetentionMonths);
        var oldestKeptMonth = (oldestKept.Year * 100) + oldestKept.Month;
        // Pending rows of deferred ingests from those months go too: rolled up later they would bring the months back.
        await context.PendingSightings.Where(s => s.Day < oldestKept).ExecuteDeleteAsync(cancellationToken);
        if (context.Database.GetDbConnection() is Npgsql.NpgsqlConnection npgsql)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                var dropped = (await SightingsPartitions.ListAsync(npgsql, cancellationToken)).Where(m => m < oldestKeptMonth).ToList();
                foreach (var month in dropped)
                {
                    await using var drop = new Npgsql.NpgsqlCommand($"DROP TABLE {SightingsPartitions.TableOf(month)}", npgsql);
                    await drop.ExecuteNonQueryAsync(cancellationToken);
                }

                return new SightingsRetentionResult(oldestKeptMonth, null, dropped);
            }
            finally
            {
                await context.Database.CloseConnectionAsync();
            }
        }

        var deleted = await context.Sightings.Where(s => s.Month < oldestKeptMonth).ExecuteDeleteAsync(cancellationToken);
        return new SightingsRetentionResult(oldestKeptMonth, deleted, []);
    }
}
