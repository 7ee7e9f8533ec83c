using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// What supervisors watch: appeals by outcome and by office, the time to a decision (median and 90th
/// percentile), open appeals past their deadline, and per week the clones flagged and the attaches refused.
/// Definitions: docs/appeals.md, "Statistics".
/// </summary>
/// <param name="Weeks">How many weeks (Monday to Sunday, the current one last) the weekly series cover.</param>
public sealed record GetAppealStatistics(int Weeks = 12) : IRequest<AppealStatistics>;

/// <summary>The groups appeals are counted in: the three outcomes, withdrawn, and still open.</summary>
public static class AppealOutcomeGroups
{
    public const string Paired = nameof(AppealOutcome.Paired);
    public const string Lifted = nameof(AppealOutcome.Lifted);
    public const string Rejected = nameof(AppealOutcome.Rejected);
    public const string Withdrawn = "Withdrawn";
    public const string Open = "Open";

    public static readonly IReadOnlyList<string> All = [Paired, Lifted, Rejected, Withdrawn, Open];

    public static string Of(AppealStatus status, AppealOutcome? outcome) =>
        Appeal.IsOpen(status) ? Open
        : outcome is { } o && status is AppealStatus.Approved or AppealStatus.Rejected ? o.ToString()
        : Withdrawn;
}

public sealed record OutcomeCount(string Group, int Appeals);

public sealed record OfficeCount(string Office, int Filed, int Open, int Overdue, int Approved, int Rejected, int Withdrawn);

/// <param name="Decided">Appeals decided (approved or rejected) that the figures are over.</param>
/// <param name="MedianDays">Null when none was decided.</param>
public sealed record DecisionTime(int Decided, double? MedianDays, double? P90Days);

public sealed record OverdueAppeal(string TrackingNumber, string Office, AppealStatus Status, DateOnly DueOn, int DaysOverdue);

/// <param name="WeekStart">The Monday the week starts on.</param>
public sealed record WeeklyCount(DateOnly WeekStart, long Count);

/// <param name="Refused">Attach checks answered BLACKLISTED that week.</param>
/// <param name="Answers">All attach checks answered that week.</param>
public sealed record WeeklyRefusals(DateOnly WeekStart, long Refused, long Answers);

public sealed record AppealStatistics(
    DateOnly Today,
    int Total,
    IReadOnlyList<OutcomeCount> ByOutcome,
    IReadOnlyList<OfficeCount> ByOffice,
    DecisionTime TimeToDecision,
    IReadOnlyList<OverdueAppeal> Overdue,
    IReadOnlyList<WeeklyCount> ClonesFlagged,
    IReadOnlyList<WeeklyRefusals> RefusedAttaches);

internal sealed class GetAppealStatisticsValidator : AbstractValidator<GetAppealStatistics>
{
    public GetAppealStatisticsValidator() => RuleFor(x => x.Weeks).InclusiveBetween(1, 104).WithErrorCode(RefusalCodes.StatisticsWeeks)
        .WithMessage("the statistics cover 1 to 104 weeks");
}

internal sealed class GetAppealStatisticsHandler(RegistryDbContext db, RegistryClock clock) : IRequestHandler<GetAppealStatistics, AppealStatistics>
{
    private static readonly AppealStatus[] OpenStatuses =
        [AppealStatus.New, AppealStatus.InReview, AppealStatus.InformationRequested, AppealStatus.AwaitingConfirmation];

    public async Task<AppealStatistics> Handle(GetAppealStatistics request, CancellationToken ct)
    {
        var today = clock.Today();
        var appeals = db.Set<Appeal>().AsNoTracking();

        // Counts by office, status and outcome, grouped by the database.
        var groups = await appeals.GroupBy(a => new { a.Office, a.Status, a.Outcome })
            .Select(g => new { g.Key.Office, g.Key.Status, g.Key.Outcome, Count = g.Count() })
            .ToListAsync(ct);
        var overdue = (await appeals.Where(a => OpenStatuses.Contains(a.Status) && a.DueOn < today)
                .Select(a => new { a.TrackingNumber, a.Office, a.Status, a.DueOn })
                .ToListAsync(ct))
            .Select(a => new OverdueAppeal(a.TrackingNumber, a.Office, a.Status, a.DueOn, today.DayNumber - a.DueOn.DayNumber))
            .OrderBy(a => a.DueOn).ThenBy(a => a.TrackingNumber, StringComparer.Ordinal)
            .ToList();
        var decided = await appeals.Where(a => (a.Status == AppealStatus.Approved || a.Status == AppealStatus.Rejected) && a.ClosedAt != null)
            .Select(a => new { a.FiledAt, ClosedAt = a.ClosedAt!.Value })
            .ToListAsync(ct);

        var byOutcome = AppealOutcomeGroups.All
            .Select(group => new OutcomeCount(group, groups.Where(g => AppealOutcomeGroups.Of(g.Status, g.Outcome) == group).Sum(g => g.Count)))
            .ToList();
        var overdueByOffice = overdue.GroupBy(o => o.Office, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var byOffice = groups.GroupBy(g => g.Office, StringComparer.Ordinal)
            .Select(o => new OfficeCount(
                o.Key,
                o.Sum(g => g.Count),
                o.Where(g => Appeal.IsOpen(g.Status)).Sum(g => g.Count),
                overdueByOffice.GetValueOrDefault(o.Key),
                o.Where(g => g.Status == AppealStatus.Approved).Sum(g => g.Count),
                o.Where(g => g.Status == AppealStatus.Rejected).Sum(g => g.Count),
                o.Where(g => g.Status == AppealStatus.Closed).Sum(g => g.Count)))
            .OrderByDescending(o => o.Filed).ThenBy(o => o.Office, StringComparer.Ordinal)
            .ToList();
        var days = decided.Select(d => (d.ClosedAt - d.FiledAt).TotalDays).Order().ToList();
        var time = new DecisionTime(days.Count, Percentile(days, 0.5), Percentile(days, 0.9));

        // The weekly series: the current week last.
        var thisMonday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var firstMonday = thisMonday.AddDays(-7 * (request.Weeks - 1));
        var weeks = Enumerable.Range(0, request.Weeks).Select(i => firstMonday.AddDays(7 * i)).ToList();
        int WeekOf(DateOnly day) => (day.DayNumber - firstMonday.DayNumber) / 7;

        var flaggedDays = await db.Set<CloneStatusChange>().AsNoTracking()
            .Where(c => c.Status == CloneStatusValues.Clone && c.AsOf >= firstMonday && c.AsOf <= today)
            .GroupBy(c => c.AsOf).Select(g => new { Day = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var flagged = new long[request.Weeks];
        foreach (var d in flaggedDays)
        {
            flagged[WeekOf(d.Day)] += d.Count;
        }

        var answerRows = await db.Set<EirAnswerCount>().AsNoTracking()
            .Where(a => a.Day >= firstMonday && a.Day <= today)
            .ToListAsync(ct);
        var refused = new long[request.Weeks];
        var answered = new long[request.Weeks];
        foreach (var row in answerRows)
        {
            var week = WeekOf(row.Day);
            answered[week] += row.Answers;
            if (row.EquipmentStatus == EquipmentStatusWords.Blacklisted)
            {
                refused[week] += row.Answers;
            }
        }

        return new AppealStatistics(
            today, groups.Sum(g => g.Count), byOutcome, byOffice, time, overdue,
            weeks.Select((w, i) => new WeeklyCount(w, flagged[i])).ToList(),
            weeks.Select((w, i) => new WeeklyRefusals(w, refused[i], answered[i])).ToList());
    }

    /// <summary>
    /// The p-quantile of sorted values by linear interpolation between the closest ranks (the median of an
    /// even count is the mean of the middle two); null for no values.
    /// </summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}
