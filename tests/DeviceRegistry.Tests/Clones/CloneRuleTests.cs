using DeviceRegistry.Clones;

namespace DeviceRegistry.Tests.Clones;

public sealed class CloneRuleTests
{
    private static readonly DateOnly AsOf = new(2026, 5, 31);

    private static ImeiActivity Activity(DateOnly? asOf = null) => new(new DateOnly(2026, 1, 1), asOf ?? AsOf);

    internal static void Seen(ImeiActivity activity, string imsi, DateOnly from, DateOnly to, int every = 1)
    {
        for (var d = from; d <= to; d = d.AddDays(every))
        {
            activity.Add(imsi, d.Year * 100 + d.Month, 1 << (d.Day - 1));
        }
    }

    internal static void Seen(ImeiActivity activity, string imsi, params DateOnly[] days)
    {
        foreach (var d in days)
        {
            activity.Add(imsi, d.Year * 100 + d.Month, 1 << (d.Day - 1));
        }
    }

    private static bool Matches(CloneRule rule, ImeiActivity activity) => rule.Matches(activity, new ActivityMeasures());

    [Fact]
    public void DistinctImsis_counts_an_imsi_seen_on_the_first_day_of_the_period_but_not_the_day_before()
    {
        var rule = new DistinctImsisRule("r", threshold: 2, periodDays: 10); // 22 May to 31 May inclusive
        var onFirstDay = Activity();
        Seen(onFirstDay, "400011111111111", new DateOnly(2026, 5, 22));
        Seen(onFirstDay, "400012222222222", AsOf);
        var dayBefore = Activity();
        Seen(dayBefore, "400011111111111", new DateOnly(2026, 5, 21));
        Seen(dayBefore, "400012222222222", AsOf);

        Assert.True(Matches(rule, onFirstDay));
        Assert.False(Matches(rule, dayBefore));
    }

    [Fact]
    public void Sightings_after_the_as_of_date_are_not_evidence()
    {
        var rule = new DistinctImsisRule("r", threshold: 2, periodDays: 30);
        var activity = Activity(new DateOnly(2026, 5, 15));
        Seen(activity, "400011111111111", new DateOnly(2026, 5, 15));
        Seen(activity, "400012222222222", new DateOnly(2026, 5, 16));

        Assert.False(Matches(rule, activity));
        Assert.Equal(1, ActivityMeasures.DistinctImsis(activity, 30));
    }

    [Fact]
    public void DailyAverageImsis_averages_over_the_days_seen_and_needs_MinSeenDays()
    {
        // seen on 5 days of the period: 4, 4, 4, 4, 4 IMSIs = average 4.0; a busier day before the period does not count
        var exact = Activity();
        foreach (var imsi in new[] { "400010000000001", "400010000000002", "400010000000003", "400010000000004" })
        {
            Seen(exact, imsi, new DateOnly(2026, 5, 20), new DateOnly(2026, 5, 24));
        }

        Seen(exact, "400010000000009", new DateOnly(2026, 4, 20)); // outside a 30-day period
        var below = Activity();
        foreach (var imsi in new[] { "400010000000001", "400010000000002", "400010000000003" })
        {
            Seen(below, imsi, new DateOnly(2026, 5, 20), new DateOnly(2026, 5, 24));
        }

        Seen(below, "400010000000004", new DateOnly(2026, 5, 20), new DateOnly(2026, 5, 23)); // 19 IMSI-days / 5 days = 3.8

        Assert.True(Matches(new DailyAverageImsisRule("r", 4.0, 30, minSeenDays: 5), exact));
        Assert.False(Matches(new DailyAverageImsisRule("r", 4.0, 30, minSeenDays: 6), exact));
        Assert.False(Matches(new DailyAverageImsisRule("r", 4.0, 30, minSeenDays: 5), below));
        Assert.True(Matches(new DailyAverageImsisRule("r", 3.8, 30, minSeenDays: 5), below));
    }

    [Fact]
    public void AllOf_matches_only_when_every_inner_rule_matches()
    {
        var activity = Activity();
        Seen(activity, "400011111111111", new DateOnly(2026, 5, 1), AsOf);
        Seen(activity, "400012222222222", new DateOnly(2026, 5, 1), AsOf);
        var two = new DistinctImsisRule("two", 2, 30);
        var three = new DistinctImsisRule("three", 3, 30);
        var busy = new DailyAverageImsisRule("busy", 2.0, 30, 5);

        Assert.True(Matches(new AllOfRule("both", [two, busy]), activity));
        Assert.False(Matches(new AllOfRule("all", [two, busy, three]), activity));
        Assert.Equal(30, new AllOfRule("p", [new DistinctImsisRule("a", 2, 10), new DistinctImsisRule("b", 2, 30)]).PeriodDays);
    }

    [Fact]
    public void Steady_days_leave_out_the_first_and_last_TransitionDays_of_each_imsi()
    {
        // A every day 1 Mar to 31 May; B every day 10 Apr to 10 May. With 3 transition days B is steady
        // 13 Apr to 7 May (25 days) and A throughout that time, so 25 concurrent days.
        var activity = Activity();
        Seen(activity, "400011111111111", new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, "400012222222222", new DateOnly(2026, 4, 10), new DateOnly(2026, 5, 10));
        var measures = new ActivityMeasures();

        var steady = measures.DaysWithAtLeast(activity, 2, 3);
        Assert.Equal(25, ImeiActivity.CountDays(steady, activity.PeriodStart(90), activity.DayCount - 1));
        var raw = measures.DaysWithAtLeast(activity, 2, 0);
        Assert.Equal(31, ImeiActivity.CountDays(raw, activity.PeriodStart(90), activity.DayCount - 1));
    }

    [Fact]
    public void ConcurrentImsis_spares_a_number_change_whose_old_sim_lingers_for_three_days()
    {
        var activity = Activity();
        Seen(activity, "400011111111111", new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 17));
        Seen(activity, "400021111111111", new DateOnly(2026, 4, 15), AsOf);
        var rule = new ConcurrentImsisRule("c", 90, minImsis: 2, minDays: 1, minWeeks: 1, minDaysPerWeek: 1, transitionDays: 3);

        Assert.False(Matches(rule, activity));
        Assert.True(Matches(new DistinctImsisRule("counting", 2, 90), activity));
    }

    [Fact]
    public void ConcurrentImsis_flags_two_subscribers_using_the_imei_on_the_same_days_week_after_week()
    {
        var activity = Activity();
        Seen(activity, "400011111111111", new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, "400041111111111", new DateOnly(2026, 4, 1), AsOf, every: 3); // a copy used part-time
        var rule = CloneRuleSet.WeeklyQuotas.Rules[0];

        Assert.True(Matches(rule, activity));
    }

    [Fact]
    public void ConcurrentImsis_needs_the_overlap_to_go_on_for_MinWeeks_not_a_burst()
    {
        // two weeks of swapping back and forth at a hesitant number change
        var activity = Activity();
        Seen(activity, "400011111111111", new DateOnly(2026, 3, 1), new DateOnly(2026, 5, 14));
        Seen(activity, "400021111111111", new DateOnly(2026, 5, 1), AsOf);
        var rule = new ConcurrentImsisRule("c", 90, minImsis: 2, minDays: 5, minWeeks: 3, minDaysPerWeek: 2, transitionDays: 3);
        var measures = new ActivityMeasures();
        var steady = measures.DaysWithAtLeast(activity, 2, 3);

        Assert.True(ImeiActivity.CountDays(steady, 0, activity.DayCount - 1) >= 5);
        Assert.False(Matches(rule, activity));
    }

    [Fact]
    public void ConcurrentImsis_MinDaysPerWeek_spares_a_sim_borrowed_one_day_a_week()
    {
        var activity = Activity();
        Seen(activity, "400011111111111", new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, "400021111111111", new DateOnly(2026, 3, 4), AsOf, every: 7);
        var weekly = new ConcurrentImsisRule("c", 90, minImsis: 2, minDays: 8, minWeeks: 3, minDaysPerWeek: 1, transitionDays: 3);
        var twicePerWeek = new ConcurrentImsisRule("c", 90, minImsis: 2, minDays: 8, minWeeks: 3, minDaysPerWeek: 2, transitionDays: 3);

        Assert.True(Matches(weekly, activity));
        Assert.False(Matches(twicePerWeek, activity));
    }

    [Fact]
    public void Evidence_names_the_earliest_imsi_as_genuine_and_counts_overlap_in_the_rule_period()
    {
        var activity = Activity();
        activity.Reset(12_345_678_901_234);
        Seen(activity, "400021111111111", new DateOnly(2026, 3, 20), AsOf);
        Seen(activity, "400011111111111", new DateOnly(2026, 3, 1), AsOf);
        var rule = new DistinctImsisRule("r", 2, 90); // 3 Mar to 31 May

        var evidence = CloneEvaluator.Describe(activity, new ActivityMeasures(), rule);

        Assert.Equal("400011111111111", evidence.GenuineImsi);
        Assert.Equal(2, evidence.DistinctImsis);
        Assert.Equal(90, evidence.DaysSeen);
        Assert.Equal(73, evidence.OverlapDays); // 20 Mar to 31 May
        Assert.Equal(Math.Round(73.0 / 90, 4), evidence.OverlapShare);
        Assert.Equal(2, evidence.MaxDailyImsis);
        Assert.Equal(new DateOnly(2026, 3, 1), evidence.FirstSeen);
        Assert.Equal(AsOf, evidence.LastSeen);
        Assert.Equal(["400011111111111", "400021111111111"], evidence.Imsis);
    }
    [Fact]
    public void ConcurrentImsis_does_not_count_handovers_of_a_visitor_back_on_the_home_sim_every_weekend()
    {
        // local SIM Monday to Saturday, home SIM Saturday to Monday: both SIMs on Saturdays and Mondays, for eleven weeks
        var activity = Activity();
        for (var d = new DateOnly(2026, 3, 9); d <= AsOf; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not DayOfWeek.Sunday)
            {
                Seen(activity, "400011111111111", d);
            }

            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday or DayOfWeek.Monday)
            {
                Seen(activity, "250011111111111", d);
            }
        }

        var rule = CloneRuleSet.WeeklyQuotas.Rules[0];
        var measures = new ActivityMeasures();
        var from = activity.PeriodStart(90);

        Assert.True(ImeiActivity.CountDays(measures.DaysWithAtLeast(activity, 2, 3), from, activity.DayCount - 1) >= 20);
        Assert.Equal(0, ImeiActivity.CountDays(measures.ConcurrentDays(activity, 2, 3), from, activity.DayCount - 1));
        Assert.False(Matches(rule, activity));

        // the same two SIMs also seen together mid-week, week after week: concurrent use
        for (var d = new DateOnly(2026, 3, 11); d <= AsOf; d = d.AddDays(7))
        {
            Seen(activity, "250011111111111", d, d.AddDays(1));
        }

        Assert.True(Matches(rule, activity));
    }
    [Fact]
    public void The_defaults_catch_a_crowd_of_short_lived_sims_but_not_a_dealer_activating_one_sim_a_day()
    {
        // a counterfeit batch whose users each show up for two days: never steady, but four IMSIs a day
        var crowd = Activity();
        var dealer = Activity();
        Seen(dealer, "400010000000000", new DateOnly(2026, 5, 1), AsOf);
        for (var day = 0; day < 30; day++)
        {
            var date = new DateOnly(2026, 5, 2).AddDays(day);
            for (var k = 0; k < 2; k++)
            {
                var imsi = "4000200000" + (day * 2 + k).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
                Seen(crowd, imsi, date.AddDays(-1), date);
            }

            Seen(dealer, "4000400000" + day.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), date);
        }

        var measures = new ActivityMeasures();
        Assert.Null(new CloneRuleSet(CloneRuleSet.Defaults.Rules.OfType<ConcurrentImsisRule>().ToList()).FirstMatch(crowd, measures));
        Assert.Equal("crowded-imei", CloneRuleSet.Defaults.FirstMatch(crowd, measures)?.Name);
        Assert.Null(CloneRuleSet.Defaults.FirstMatch(dealer, measures));
    }
}
