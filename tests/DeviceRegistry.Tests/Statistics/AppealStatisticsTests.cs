using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Tests.Infrastructure;
using static DeviceRegistry.Tests.Evidence.EvidenceTestKit;

namespace DeviceRegistry.Tests.Statistics;

public sealed class AppealStatisticsTests
{
    private static DateTime At(int month, int day) => new(2026, month, day, 9, 0, 0, DateTimeKind.Utc);

    private static DateOnly D(int month, int day) => new(2026, month, day);

    /// <summary>
    /// Ten appeals (today is Tuesday 1 Dec 2026): five decided after 2, 4, 6, 8 and 20 days, one withdrawn, four open
    /// (two past their deadline); clone verdicts and EIR answers on days inside and outside the last three weeks.
    /// </summary>
    internal static async Task SeedAsync(TestDatabase db)
    {
        var imei = 35_000_000_000_000L;
        async Task Add(string office, AppealStatus status, DateTime filed, DateTime? closed = null, AppealOutcome? outcome = null, DateOnly? due = null) =>
            await AppealAsync(db, imei++, $"AP-T{imei % 100:00}", office, status, filed, closed, outcome, due);

        await Add("Baku 1", AppealStatus.Approved, At(11, 1), At(11, 3), AppealOutcome.Paired);
        await Add("Baku 1", AppealStatus.Rejected, At(11, 2), At(11, 6), AppealOutcome.Rejected);
        await Add("Gəncə 2", AppealStatus.Approved, At(11, 3), At(11, 9), AppealOutcome.Lifted);
        await Add("Gəncə 2", AppealStatus.Rejected, At(11, 4), At(11, 12), AppealOutcome.Rejected);
        await Add("Baku 1", AppealStatus.Approved, At(11, 5), At(11, 25), AppealOutcome.Paired);
        await Add("Baku 1", AppealStatus.Closed, At(11, 6), At(11, 7));
        await Add("Sumqayıt", AppealStatus.InReview, At(11, 10), due: D(11, 24));
        await Add("Sumqayıt", AppealStatus.New, At(11, 28), due: D(12, 12));
        await Add("Gəncə 2", AppealStatus.InformationRequested, At(11, 16), due: D(11, 30));
        await Add("Baku 1", AppealStatus.AwaitingConfirmation, At(11, 17), due: D(12, 1));

        await using var context = db.CreateContext();
        foreach (var (status, day) in new[]
                 {
                     (CloneStatusValues.Clone, D(11, 9)), (CloneStatusValues.Clone, D(11, 17)), (CloneStatusValues.Clone, D(11, 18)),
                     (CloneStatusValues.Clone, D(11, 25)), (CloneStatusValues.Cleared, D(11, 26)), (CloneStatusValues.Clone, D(11, 30)),
                 })
        {
            context.Add(new CloneStatusChange { Imei = 36_000_000_000_000 + day.Day, Status = status, AsOf = day, ChangedAt = At(day.Month, day.Day) });
        }

        await context.SaveChangesAsync();
        await EirAnswerCountStore.AddAsync(db.Database,
        [
            (D(11, 15), EquipmentStatus.Blacklisted, 100), (D(11, 20), EquipmentStatus.Blacklisted, 5), (D(11, 20), EquipmentStatus.Whitelisted, 95),
            (D(11, 24), EquipmentStatus.Blacklisted, 7), (D(11, 24), EquipmentStatus.Greylisted, 3), (D(12, 1), EquipmentStatus.Blacklisted, 2),
        ], CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_figures_of_hand_built_appeals(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);

        var s = await SendAsync(db, new GetAppealStatistics(Weeks: 3));

        Assert.Equal(10, s.Total);
        Assert.Equal(
            [("Paired", 2), ("Lifted", 1), ("Rejected", 2), ("Withdrawn", 1), ("Open", 4)],
            s.ByOutcome.Select(o => (o.Group, o.Appeals)));
        Assert.Equal(
            [
                new OfficeCount("Baku 1", 5, 1, 0, 2, 1, 1),
                new OfficeCount("Gəncə 2", 3, 1, 1, 1, 1, 0),
                new OfficeCount("Sumqayıt", 2, 2, 1, 0, 0, 0),
            ],
            s.ByOffice);

        // Decided after 2, 4, 6, 8, 20 days: median 6; p90 at rank 3.6 = 8 + 0.6 × 12.
        Assert.Equal(5, s.TimeToDecision.Decided);
        Assert.Equal(6.0, s.TimeToDecision.MedianDays!.Value, 9);
        Assert.Equal(15.2, s.TimeToDecision.P90Days!.Value, 9);

        // Due 24 Nov and 30 Nov are overdue; due today is not yet.
        Assert.Equal([("AP-T07", 7), ("AP-T09", 1)], s.Overdue.Select(o => (o.TrackingNumber, o.DaysOverdue)));

        Assert.Equal([D(11, 16), D(11, 23), D(11, 30)], s.ClonesFlagged.Select(w => w.WeekStart));
        Assert.Equal([2L, 1L, 1L], s.ClonesFlagged.Select(w => w.Count));
        Assert.Equal([5L, 7L, 2L], s.RefusedAttaches.Select(w => w.Refused));
        Assert.Equal([100L, 10L, 2L], s.RefusedAttaches.Select(w => w.Answers));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task No_appeals_give_empty_figures_not_errors(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var s = await SendAsync(db, new GetAppealStatistics());

        Assert.Equal(0, s.Total);
        Assert.Equal(new DecisionTime(0, null, null), s.TimeToDecision);
        Assert.Equal(12, s.ClonesFlagged.Count);
        Assert.All(s.RefusedAttaches, w => Assert.Equal(0, w.Refused));
    }

    [Fact]
    public void An_even_count_has_the_mean_of_the_middle_two_as_median()
    {
        Assert.Equal(2.5, GetAppealStatisticsHandler.Percentile([1, 2, 3, 4], 0.5));
        Assert.Equal(3.7, GetAppealStatisticsHandler.Percentile([1, 2, 3, 4], 0.9)!.Value, 9);
        Assert.Equal(7, GetAppealStatisticsHandler.Percentile([7], 0.9));
        Assert.Null(GetAppealStatisticsHandler.Percentile([], 0.5));
    }
}
