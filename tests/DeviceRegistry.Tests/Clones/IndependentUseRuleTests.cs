using DeviceRegistry.Clones;
using static DeviceRegistry.Tests.Clones.CloneRuleTests;

namespace DeviceRegistry.Tests.Clones;

/// <summary>
/// The default independent-use rule on hand-built sightings, one behaviour each. Ranges are inclusive; the as-of date is
/// 31 May 2026 and the 90-day period starts on 3 Mar. The expected outcomes are worked out in each test's comment.
/// </summary>
public sealed class IndependentUseRuleTests
{
    private const string Owner = "400011111111111";
    private const string Other = "400042222222222";
    private static readonly DateOnly AsOf = new(2026, 5, 31);

    private static IndependentUseRule Rule => (IndependentUseRule)CloneRuleSet.Defaults.Rules[0];

    private static ImeiActivity Activity() => new(new DateOnly(2026, 1, 1), AsOf);

    private static bool Flags(ImeiActivity activity) => Rule.Matches(activity, new ActivityMeasures());

    [Fact]
    public void A_copy_used_every_other_day_for_three_weeks_beside_a_daily_owner_is_flagged()
    {
        // span 13-30 May (18 days: the copy's first three days trimmed; the copy's last day is within three days of the
        // as-of date, so the span is open and its end is not trimmed); the copy is seen on 14, 16, ..., 30 May = 9 days
        // (rate 0.5), each with the owner, and the owner on both neighbours: k = 9. P(Bin(18, 0.02) >= 9) is about 1e-11;
        // independent users would share 0.5 * 18 = 9 days; the owner's rate did not fall (every day before and after).
        var activity = Activity();
        Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, Other, new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 30), every: 2);

        Assert.True(Flags(activity));
    }

    [Theory]
    [InlineData(14, PairVerdict.Settling)]
    [InlineData(17, PairVerdict.Independent)]
    public void A_copy_used_every_other_day_beside_a_daily_owner_is_flagged_on_its_seventeenth_day_once_two_weeks_show_the_owner_kept_its_use(
        int daysInUse, PairVerdict expected)
    {
        // the copy from 10 May, every other day. As of its 17th day (26 May): span 13-26 May (14 days; the copy's last day,
        // 26 May, is within three days of the as-of date, so the span is open), copy on 14, 16, ..., 26 May: k = 7,
        // P(Bin(14, 0.02) >= 7) is about 2e-9. The copy is younger than MinClosedSpanDays (21), so the owner must show it kept
        // its use over two weeks (KeptSpanDays): seen on all 14 days, P(Bin(14, 0.495) >= 14) is about 5e-5. As of its 14th
        // day (23 May) the span is 13-23 May (11 days, k = 5): under two weeks, held, as a hesitant number change would be.
        var asOf = new DateOnly(2026, 5, 10).AddDays(daysInUse - 1);
        var activity = new ImeiActivity(new DateOnly(2026, 1, 1), asOf);
        Seen(activity, Owner, new DateOnly(2026, 3, 1), asOf);
        Seen(activity, Other, new DateOnly(2026, 5, 10), asOf, every: 2);

        Assert.Equal(expected, Rule.Why(activity, 0, 1));
        Assert.Equal(expected == PairVerdict.Independent, Flags(activity));
    }

    [Fact]
    public void A_number_change_with_both_sims_in_turn_for_two_weeks_is_not_flagged_though_they_share_seven_days()
    {
        // the old SIM daily to 14 Apr, then every other day with the new one from 15 to 27 Apr: 7 shared days, but the
        // old SIM stopped and the time together (15-27 Apr, 13 days) is under MinClosedSpanDays (21): a change-over.
        var activity = Activity();
        Seen(activity, Owner, new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 14));
        Seen(activity, Owner, new DateOnly(2026, 4, 15), new DateOnly(2026, 4, 27), every: 2);
        Seen(activity, Other, new DateOnly(2026, 4, 15), AsOf);

        Assert.False(Flags(activity));
        Assert.True(new DistinctImsisRule("counting", 2, 90).Matches(activity, new ActivityMeasures()));
    }

    [Fact]
    public void An_old_sim_kept_for_bank_codes_gave_way_but_the_same_sim_kept_in_daily_use_is_a_second_user()
    {
        // the new SIM daily from 1 May; the old one every fourth day (1, 5, ..., 29 May). Span 4-29 May (26 days):
        // old SIM 7 days (rate 0.27), k = 7, P(Bin(26, 0.02) >= 7) about 1e-6, independent users would share 7 days.
        // But it was seen on all 28 days before 1 May: 0.27 is under half of that and P(Bin(26, 0.99) <= 7) is tiny.
        var gaveWay = Activity();
        Seen(gaveWay, Owner, new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 30));
        Seen(gaveWay, Owner, new DateOnly(2026, 5, 1), AsOf, every: 4);
        Seen(gaveWay, Other, new DateOnly(2026, 5, 1), AsOf);

        // the old SIM goes on daily: 28 shared days in 28
        var stayed = Activity();
        Seen(stayed, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(stayed, Other, new DateOnly(2026, 5, 1), AsOf);

        Assert.False(Flags(gaveWay));
        Assert.True(Flags(stayed));
    }

    [Fact]
    public void A_relatives_sim_for_a_day_every_ten_days_is_not_flagged()
    {
        // the relative's SIM on 5, 15, 25 Mar ... 25 May (9 days), the owner daily, so 9 shared days; but over its span
        // (8 Mar to 21 May once both edges are trimmed: it stopped on 24 May) it is seen on 7 of 75 days, a rate of 0.09,
        // under MinUseShare (0.25).
        var activity = Activity();
        Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
        foreach (var day in new[] { 5, 15, 25, 35, 45, 55, 65, 75, 85 })
        {
            Seen(activity, Other, new DateOnly(2026, 3, 1).AddDays(day - 1));
        }

        Assert.False(Flags(activity));
    }

    [Fact]
    public void A_dealer_activating_one_customer_sim_every_other_day_is_not_flagged()
    {
        // each customer's SIM is seen on one day: fewer than MinOverlapDays (4) days, never compared
        var activity = Activity();
        Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
        for (var i = 0; i < 45; i++)
        {
            Seen(activity, "40002" + i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2026, 3, 1).AddDays(2 * i));
        }

        Assert.False(Flags(activity));
    }

    [Fact]
    public void A_pair_just_beyond_alternation_is_flagged_alone_but_not_among_six_sims_each_a_chance_of_a_chance_overlap()
    {
        // the owner daily from 1 Mar except 8, 18 and 28 May; the second SIM from 1 May on 5, 10, 15, 20 and 25 May (with the
        // owner on both sides: not handovers) and alone on 8, 18 and 28 May. Span 4-31 May (28 days; the second SIM's last
        // day is within three days of the as-of date): owner 25 days, second SIM 8 (rate 0.29), k = 5.
        // P(Bin(28, 0.02) >= 5) = 2.1e-4: under Alpha (0.001) for the only pair, above Alpha / 15 (6.7e-5) when four more
        // SIMs, each seen on four days in March, make six candidates and 15 pairs.
        var pair = Activity();
        Seen(pair, Owner, new DateOnly(2026, 3, 1), new DateOnly(2026, 5, 7));
        Seen(pair, Owner, new DateOnly(2026, 5, 9), new DateOnly(2026, 5, 17));
        Seen(pair, Owner, new DateOnly(2026, 5, 19), new DateOnly(2026, 5, 27));
        Seen(pair, Owner, new DateOnly(2026, 5, 29), AsOf);
        Seen(pair, Other, new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 5), new DateOnly(2026, 5, 8), new DateOnly(2026, 5, 10),
            new DateOnly(2026, 5, 15), new DateOnly(2026, 5, 18), new DateOnly(2026, 5, 20), new DateOnly(2026, 5, 25), new DateOnly(2026, 5, 28));
        Assert.True(Flags(pair));
        Assert.Equal(PairVerdict.Independent, Rule.Why(pair, 0, 1));

        for (var i = 0; i < 4; i++)
        {
            var first = new DateOnly(2026, 3, 10).AddDays(5 * i);
            Seen(pair, "40001300000000" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), first, first.AddDays(3));
        }

        Assert.False(Flags(pair));
        Assert.Equal(PairVerdict.Alternation, Rule.Why(pair, 0, 1));
    }

    [Fact]
    public void A_test_phone_cycling_three_sims_in_three_day_runs_is_not_flagged()
    {
        // SIM (run mod 3) on each day of its run, and the next SIM too on the run's last day. Every shared day is a switch:
        // the day before shows only the old SIM, the day after only the new one (a handover), so k = 0 for every pair.
        var activity = Activity();
        string[] pool = ["400011000000001", "400011000000002", "400011000000003"];
        var first = new DateOnly(2026, 3, 1);
        for (var d = 0; d < 92; d++)
        {
            var run = d / 3;
            Seen(activity, pool[run % 3], first.AddDays(d));
            if (d % 3 == 2)
            {
                Seen(activity, pool[(run + 1) % 3], first.AddDays(d));
            }
        }

        Assert.False(Flags(activity));
    }

    [Fact]
    public void Two_sims_taken_in_turn_are_not_flagged_though_they_share_a_day_in_ten()
    {
        // one SIM on even days from 1 Mar, the other on odd days and also on every tenth: over the span 5 Mar-30 May
        // (87 days) 44 and 52 days, 9 shared (not handovers: the same SIM on both neighbours). One person switching
        // now and then would hardly share 9 days (P(Bin(87, 0.02) >= 9) = 6e-5), but independent users would share
        // 26 (0.51 * 0.60 * 87): P(Bin(87, 0.30) <= 9) = 9e-6, so they avoid each other: one person's two SIMs.
        var activity = Activity();
        var first = new DateOnly(2026, 3, 1);
        for (var d = 0; d < 92; d++)
        {
            Seen(activity, d % 2 == 0 ? Owner : Other, first.AddDays(d));
            if (d > 0 && d % 10 == 0)
            {
                Seen(activity, Other, first.AddDays(d));
            }
        }

        Assert.False(Flags(activity));
    }

    [Fact]
    public void A_resale_with_a_gap_and_a_copy_seen_on_four_days_in_ten_are_not_flagged()
    {
        var resale = Activity();
        Seen(resale, Owner, new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 10));
        Seen(resale, Other, new DateOnly(2026, 4, 12), AsOf);

        // too little evidence yet: seen on 20, 23, 26 and 29 May; its first days trimmed, 3 shared days are left, under MinOverlapDays
        var young = Activity();
        Seen(young, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(young, Other, new DateOnly(2026, 5, 20), new DateOnly(2026, 5, 30), every: 3);

        Assert.False(Flags(resale));
        Assert.False(Flags(young));
    }

    [Fact]
    public void A_home_and_a_foreign_sim_are_a_travellers_pair_not_two_users()
    {
        // the home SIM daily; a foreign SIM every other day through May. Without home networks the pair is judged: span 4-31 May
        // (28 days, open), the foreign SIM on 14 of them, each with the home SIM (k = 14, rates 1 and 0.5, the home SIM's use
        // unchanged): independent use. With 400 as the home network the pair is a visitor's or a traveller's and not judged.
        var home = new DeviceRegistry.Identifiers.HomeNetworks(["400"]);
        foreach (var networks in new[] { null, home })
        {
            var activity = new ImeiActivity(new DateOnly(2026, 1, 1), AsOf, networks);
            Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
            Seen(activity, "250011234567890", new DateOnly(2026, 5, 1), AsOf, every: 2);

            Assert.Equal(networks is null, Flags(activity));
            Assert.Equal(networks is null ? PairVerdict.Independent : PairVerdict.Traveller, Rule.Why(activity, 0, 1));
        }
    }

    [Fact]
    public void A_number_change_still_in_its_change_over_is_held_then_ends_as_a_change_over_while_a_copy_beside_a_daily_owner_is_flagged()
    {
        // the old SIM daily 1 Mar-20 May, then every other day (21, 23, ..., 31 May) with the new SIM daily from 21 May.
        // As of 31 May: span 24-31 May (8 days, open), old SIM on 25, 27, 29, 31 May, each with the new one: k = 4,
        // P(Bin(8, 0.02) >= 4) is about 1e-5. But the new SIM is 11 days old (under MinClosedSpanDays, 21) and the old SIM,
        // seen on every day of its history (4 Mar-20 May, rate 0.99 at most), shows 4 days in 8: P(Bin(8, 0.495) >= 4) = 0.63,
        // no sign it kept its use: held. As of 10 June the old SIM last seen 31 May has stopped and the two were together for
        // 11 days (21-31 May): a change-over.
        var change = Sightings(AsOf, ownerGoesOn: false);
        Assert.False(Flags(change));
        Assert.Equal(PairVerdict.Settling, Rule.Why(change, 0, 1));

        var later = Sightings(new DateOnly(2026, 6, 10), ownerGoesOn: false);
        Assert.False(Flags(later));
        Assert.Equal(PairVerdict.ChangeOver, Rule.Why(later, 0, 1));

        // the owner goes on daily beside a copy on 21, 23, ... May: as of 31 May the same k = 4 in 8 days, and the owner seen on
        // all 8, but 8 days are under the two weeks (KeptSpanDays) over which an old SIM can show it kept its use: held. As of
        // 6 June (the copy's 17th day): span 24 May-6 June (14 days), the copy on 7 of them, each with the owner (k = 7), the
        // owner on all 14: P(Bin(14, 0.495) >= 14) is about 5e-5, it kept its use: flagged.
        var young = Sightings(AsOf, ownerGoesOn: true);
        Assert.Equal(PairVerdict.Settling, Rule.Why(young, 0, 1));
        var copy = Sightings(new DateOnly(2026, 6, 6), ownerGoesOn: true);
        Assert.True(Flags(copy));

        static ImeiActivity Sightings(DateOnly asOf, bool ownerGoesOn)
        {
            var activity = new ImeiActivity(new DateOnly(2026, 1, 1), asOf);
            var change = new DateOnly(2026, 5, 21);
            Seen(activity, Owner, new DateOnly(2026, 3, 1), change.AddDays(-1));
            Seen(activity, Owner, change, ownerGoesOn ? asOf : new DateOnly(2026, 5, 31), every: ownerGoesOn ? 1 : 2);
            Seen(activity, Other, change, asOf, every: ownerGoesOn ? 2 : 1);
            return activity;
        }
    }

    [Theory]
    [InlineData(2, PairVerdict.Independent)]
    [InlineData(1, PairVerdict.FewSharedDays)]
    public void Two_sims_alternating_a_day_at_a_time_around_their_shared_days_are_two_users_unless_any_alternation_counts_as_a_switch(
        int handoverRunDays, PairVerdict expected)
    {
        // a 4-day cycle from 1 Mar (day 0): the owner on days 0 and 1 of each cycle; from 1 May (day 61) the other SIM on days
        // 1 and 2. Span 4-29 May (days 64-89, 26 days; the owner last seen 29 May, within three days of the as-of date, so
        // open; the other SIM is 31 days old): the owner on 14 days, the other on 13, 7 shared (days 65, 69, ..., 89), as
        // independent users would (0.54 * 0.5 * 26 = 7). Each shared day lies between a day of the owner
        // alone and a day of the other alone, and each of those is a single day (the pair's day before it shows the other SIM).
        // With HandoverRunDays 2 neither SIM was in alone for two days on its side, so no shared day is a switch: k = 7,
        // P(Bin(26, 0.02) >= 7) is about 6e-7, and the owner keeps its usual rate (0.5 over the 28 days before 1 May).
        // Counting any alternation as a switch (HandoverRunDays 1), every shared day is a handover and k = 0.
        var activity = Activity();
        var first = new DateOnly(2026, 3, 1);
        for (var d = 0; d < 92; d++)
        {
            var day = first.AddDays(d);
            if (d % 4 is 0 or 1)
            {
                Seen(activity, Owner, day);
            }

            if (d >= 61 && d % 4 is 1 or 2)
            {
                Seen(activity, Other, day);
            }
        }

        var rule = new IndependentUseRule("pairs", Rule.PeriodDays, Rule.TransitionDays, Rule.MinOverlapDays, Rule.MinUseShare,
            Rule.AlternationRate, Rule.Alpha, Rule.GiveWayAlpha, Rule.MinClosedSpanDays, handoverRunDays);

        Assert.Equal(expected, rule.Why(activity, 0, 1));
        Assert.Equal(2, Rule.HandoverRunDays);
    }

    [Fact]
    public void A_copy_used_daily_for_two_weeks_that_went_away_while_the_owner_goes_on_is_judged_not_taken_for_a_change_over()
    {
        // the owner daily 1 Mar-31 May; the other SIM daily 1-15 May, then gone. The older SIM did not stop, so this is no
        // change-over although the two were together for only 15 days (under MinClosedSpanDays, 21). The newer one stopped:
        // span 4-12 May (its last three days trimmed), 9 days with both SIMs on each: k = 9, P(Bin(9, 0.02) >= 9) is about
        // 5e-16, the owner's use unchanged.
        var copy = Activity();
        Seen(copy, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(copy, Other, new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 15));

        // the same fortnight with the old SIM the one that stopped (the new SIM goes on to 31 May): a change-over
        var change = Activity();
        Seen(change, Owner, new DateOnly(2026, 3, 1), new DateOnly(2026, 5, 15));
        Seen(change, Other, new DateOnly(2026, 5, 1), AsOf);

        Assert.Equal(PairVerdict.Independent, Rule.Why(copy, 0, 1));
        Assert.True(Flags(copy));
        Assert.Equal(PairVerdict.ChangeOver, Rule.Why(change, 0, 1));
        Assert.False(Flags(change));
    }

    [Fact]
    public void A_pair_in_its_change_over_window_is_held_while_its_span_is_under_two_weeks()
    {
        // the owner daily 1 Mar-31 May, the other SIM daily from 19 May (13 days old): span 22-31 May (10 days), k = 10, and
        // the owner was seen on all 10 (P(Bin(10, 0.495) >= 10) is about 9e-4: it kept its use), but 10 days are under the two
        // weeks a hesitant number change takes both SIMs in turn (KeptSpanDays): held. With the other SIM from 15 May the span
        // is 18-31 May (14 days): decided, independent use.
        var young = Activity();
        Seen(young, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(young, Other, new DateOnly(2026, 5, 19), AsOf);

        var fortnight = Activity();
        Seen(fortnight, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(fortnight, Other, new DateOnly(2026, 5, 15), AsOf);

        Assert.Equal(PairVerdict.Settling, Rule.Why(young, 0, 1));
        Assert.Equal(PairVerdict.Independent, Rule.Why(fortnight, 0, 1));
        Assert.Equal(14, IndependentUseRule.KeptSpanDays);
    }

    [Fact]
    public void The_genuine_owner_is_the_earliest_steady_use_not_a_sim_tried_once_before_it()
    {
        // a SIM tried in the shop on 2 Mar only (one day: not steady), the owner daily from 3 Mar, a copy every other day from 1 May
        var activity = Activity();
        Seen(activity, "400021234500000", new DateOnly(2026, 3, 2));
        Seen(activity, Owner, new DateOnly(2026, 3, 3), AsOf);
        Seen(activity, Other, new DateOnly(2026, 5, 1), AsOf, every: 2);

        var (index, reason) = CloneEvaluator.GenuineOwner(activity);

        Assert.Equal(Owner, activity.ImsiAt(index));
        Assert.Equal("the earliest steady use: from 2026-03-03, seen on 90 days; 1 SIM(s) seen earlier only briefly or now and then (under 4 days or a quarter of their span) passed over", reason);
        var evidence = CloneEvaluator.Describe(activity, new ActivityMeasures(), Rule);
        Assert.Equal(Owner, evidence.GenuineImsi);
        Assert.Equal(reason, evidence.GenuineReason);
        Assert.StartsWith($"{Owner} and {Other} over ", evidence.PairDetail, StringComparison.Ordinal);
        // the shop SIM's one day: never compared; the bar is Alpha shared by the shared days' and the switch test
        Assert.EndsWith(" (1 pair of SIMs compared: at most 5e-4 for any one)", evidence.PairDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_evidence_says_how_many_pairs_were_compared_when_more_than_one_was()
    {
        // the owner daily, a copy every other day from 1 May, and a third SIM on 10-13 Mar (four days: a candidate, so
        // three pairs compared, and each of step 5's two tests has a bar of 0.001 / 3 / 2). The copy's span, 4-31 May, has 14
        // days with the owner alone (the copy's other days) and no day with the copy alone: no change of SIM between them.
        var activity = Activity();
        Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, Other, new DateOnly(2026, 5, 1), AsOf, every: 2);
        Seen(activity, "400021234500000", new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 13));

        var evidence = CloneEvaluator.Describe(activity, new ActivityMeasures(), Rule);

        Assert.StartsWith($"{Owner} and {Other} over ", evidence.PairDetail, StringComparison.Ordinal);
        Assert.Contains("; on its 14 days with one SIM alone the SIM changed 0 times, which one person changing SIMs at most once in 10 such days shows with probability 1e+0",
            evidence.PairDetail, StringComparison.Ordinal);
        Assert.EndsWith(" (3 pairs of SIMs compared: at most 1.7e-4 for any one)", evidence.PairDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_sims_already_there_when_the_months_read_begin_give_the_owner_to_the_longer_history()
    {
        // both from 1 Jan (the first day read): the owner daily (151 days to 31 May), the other every other day (76)
        var activity = Activity();
        Seen(activity, Other, new DateOnly(2026, 1, 1), AsOf, every: 2);
        Seen(activity, Owner, new DateOnly(2026, 1, 1), AsOf);

        var (index, reason) = CloneEvaluator.GenuineOwner(activity);

        Assert.Equal(Owner, activity.ImsiAt(index));
        Assert.Equal("the earliest steady use: from 2026-01-01, seen on 151 days (already in use when the months read begin, 2026-01-01); the longest history of the 2 SIMs first seen that day", reason);
    }

    [Fact]
    public void Binomial_tails_match_hand_computed_values()
    {
        // P(Bin(4, 0.5) >= 3) = (4 + 1) / 16; P(Bin(4, 0.5) <= 1) = (1 + 4) / 16; P(Bin(10, 0.1) <= 0) = 0.9^10
        Assert.Equal(5.0 / 16, Binomial.UpperTail(3, 4, 0.5), 12);
        Assert.Equal(5.0 / 16, Binomial.LowerTail(1, 4, 0.5), 12);
        Assert.Equal(Math.Pow(0.9, 10), Binomial.LowerTail(0, 10, 0.1), 12);
        Assert.Equal(1, Binomial.UpperTail(0, 10, 0.1));
        Assert.Equal(0, Binomial.UpperTail(11, 10, 0.1));
    }

    private static IndependentUseRule WithoutSwitchTest => new("pairs", Rule.PeriodDays, Rule.TransitionDays, Rule.MinOverlapDays,
        Rule.MinUseShare, Rule.AlternationRate, Rule.Alpha, Rule.GiveWayAlpha, Rule.MinClosedSpanDays, Rule.HandoverRunDays);

    [Fact]
    public void Two_part_time_users_who_take_the_phone_out_on_their_own_days_are_flagged_by_their_switches_though_they_share_few_days()
    {
        // day t counted from 1 Jan (t = 0). The owner on t % 5 in {0, 3} all along; from 1 Apr (t = 90) the copy on t % 5 in
        // {1, 4}, and both every tenth day (t % 10 == 2: 3, 13, 23 Apr, 3, 13, 23 May). The copy's first day is 2 Apr, so
        // the span runs from 5 Apr to 30 May (the copy's last day, within three days of the as-of date: open), 56 days: owner 27, copy 28, both on 5 (13, 23 Apr, 3, 13, 23 May; none a handover: single days of each on
        // both sides). P(Bin(56, 0.02) >= 5) is about 0.005, above Alpha: one person putting a SIM in now and then could
        // share that many. But the 45 single days switch from one SIM to the other 44 times; one person switching at most
        // once in ten days shows that with P(Bin(44, 0.1) >= 44) of about 1e-44. Both tests at Alpha / 2 = 5e-4. Independent
        // users at these rates would share 0.48 * 0.5 * 56 = 13.5 days; 5 or fewer has P of about 0.003, above Alpha.
        var activity = Activity();
        for (var t = 0; t < 151; t++)
        {
            var day = new DateOnly(2026, 1, 1).AddDays(t);
            if (t % 5 is 0 or 3 || (t >= 90 && t % 10 == 2))
            {
                Seen(activity, Owner, day);
            }

            if (t >= 90 && (t % 5 is 1 or 4 || t % 10 == 2))
            {
                Seen(activity, Other, day);
            }
        }

        Assert.Equal(PairVerdict.Independent, Rule.Why(activity, 0, 1));
        Assert.Equal(PairVerdict.Alternation, WithoutSwitchTest.Why(activity, 0, 1));
        Assert.Equal(0.1, Rule.SwitchRate);
    }

    [Fact]
    public void One_person_changing_sims_every_week_with_a_code_day_now_and_then_is_not_flagged_by_the_switch_test()
    {
        // the owner on t % 5 in {0, 3} until 31 Mar, then this SIM for a week and the other for a week, in turn, from 1 Apr;
        // in every other of the other SIM's weeks it is put in on the week's fourth day while the first is in (4, 18 Apr,
        // 2, 16, 30 May). Span 7 Apr (the other SIM first seen 4 Apr) to 30 May, 54 days: both on 4 of them (the 4 Apr is
        // before the span), P(Bin(54, 0.02) >= 4) is about 0.02. The 50 single days switch 8 times (a week's run each):
        // P(Bin(49, 0.1) >= 8) is about 0.1. Neither is below Alpha / 2: one person's alternation.
        var activity = Activity();
        var april = new DateOnly(2026, 4, 1);
        for (var t = 0; t < 151; t++)
        {
            var day = new DateOnly(2026, 1, 1).AddDays(t);
            var week = (day.DayNumber - april.DayNumber) / 7;
            if (day < april ? t % 5 is 0 or 3 : week % 2 == 0)
            {
                Seen(activity, Owner, day);
            }

            if (day >= april && (week % 2 == 1 || (week % 2 == 0 && week <= 8 && (day.DayNumber - april.DayNumber) % 7 == 3)))
            {
                Seen(activity, Other, day);
            }
        }

        Assert.Equal(PairVerdict.Alternation, Rule.Why(activity, 0, 1));
        Assert.False(Flags(activity));
    }

    [Theory]
    [InlineData(9, PairVerdict.Independent)]
    [InlineData(10, PairVerdict.LivesElsewhere)]
    public void A_sim_seen_on_other_imeis_on_more_days_of_the_span_than_here_lives_elsewhere_and_its_pair_is_not_judged(
        int daysElsewhere, PairVerdict expected)
    {
        // the first test's copy: span 13-30 May (18 days), the second SIM here on 14, 16, ..., 30 May (9 days). Seen on another
        // IMEI on the 9 odd days 13-29 May it is still more here than there (9 is not more than 9): judged, a copy. On 30 May
        // as well (10 days), it is at home in another phone and visits this one: passed over. Days elsewhere before the span
        // (1 May) do not count. A rule without whereabouts judges it on this IMEI's days alone.
        var activity = Activity();
        Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, Other, new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 30), every: 2);
        int[] oddDays = [13, 15, 17, 19, 21, 23, 25, 27, 29];
        int[] elsewhere = daysElsewhere == 10 ? [1, .. oddDays, 30] : [1, .. oddDays];
        foreach (var day in elsewhere)
        {
            activity.AddElsewhere(Other, 202605, 1 << (day - 1));
        }

        Assert.True(activity.HasWhereabouts);
        Assert.Equal(expected, Rule.Why(activity, 0, 1));
        Assert.Equal(expected == PairVerdict.Independent, Flags(activity));
        var daysAlone = new IndependentUseRule("pairs", Rule.PeriodDays, Rule.TransitionDays, Rule.MinOverlapDays, Rule.MinUseShare,
            Rule.AlternationRate, Rule.Alpha, Rule.GiveWayAlpha, Rule.MinClosedSpanDays, Rule.HandoverRunDays, Rule.SwitchRate);
        Assert.Equal(PairVerdict.Independent, daysAlone.Why(activity, 0, 1));
        Assert.True(Rule.Whereabouts);
        Assert.True(CloneRuleSet.MatchNeedsWhereabouts(Activity(), Rule));
        Assert.False(CloneRuleSet.MatchNeedsWhereabouts(activity, Rule));
        // a first match by a rule that reads no whereabouts stands without them
        Assert.False(CloneRuleSet.MatchNeedsWhereabouts(Activity(), daysAlone));
        Assert.False(CloneRuleSet.MatchNeedsWhereabouts(Activity(), CloneRuleSet.Defaults.Rules[1]));

        // the buffer reused for the next IMEI, whose SIMs were seen nowhere else: nothing of the last one's whereabouts is left
        activity.Reset(activity.Imei + 1);
        Seen(activity, Owner, new DateOnly(2026, 3, 1), AsOf);
        Seen(activity, Other, new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 30), every: 2);
        Assert.False(activity.HasWhereabouts);
        activity.MarkWhereaboutsRead();
        Assert.Equal(PairVerdict.Independent, Rule.Why(activity, 0, 1));
    }

    [Fact]
    public void Whereabouts_in_a_rule_file_is_true_or_false_and_absent_means_this_imeis_days_alone()
    {
        const string Rule0 = """
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 0.0001, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14 WHEREABOUTS } ] }
            """;
        var absent = CloneRuleParser.FromJson(Rule0.Replace(" WHEREABOUTS", "", StringComparison.Ordinal), "test.json");
        Assert.False(Assert.IsType<IndependentUseRule>(Assert.Single(absent.Rules)).Whereabouts);
        Assert.False(absent.ReadsWhereabouts);
        var on = CloneRuleParser.FromJson(Rule0.Replace(" WHEREABOUTS", ", \"Whereabouts\": true", StringComparison.Ordinal), "test.json");
        Assert.True(Assert.IsType<IndependentUseRule>(Assert.Single(on.Rules)).Whereabouts);
        Assert.True(on.ReadsWhereabouts);
        var bad = Assert.Throws<CloneRulesException>(() => CloneRuleParser.FromJson(
            Rule0.Replace(" WHEREABOUTS", ", \"Whereabouts\": \"yes\"", StringComparison.Ordinal), "test.json"));
        Assert.Contains("Rules[0] ('pairs'): Whereabouts is 'yes'; it must be true or false", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_IndependentUse_rule_loads_from_a_file_and_a_bad_share_is_refused_by_name()
    {
        var rules = CloneRuleParser.FromJson("""
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 0.0001, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14 } ] }
            """, "test.json");
        var rule = Assert.IsType<IndependentUseRule>(Assert.Single(rules.Rules));
        Assert.Equal((60, 2, 5, 0.3, 0.01, 0.0001, 0.05, 14),
            (rule.PeriodDays, rule.TransitionDays, rule.MinOverlapDays, rule.MinUseShare, rule.AlternationRate, rule.Alpha, rule.GiveWayAlpha, rule.MinClosedSpanDays));
        Assert.Equal(1, rule.HandoverRunDays); // absent: any alternation around a shared day is a switch, as before the property
        Assert.Equal(0, rule.SwitchRate); // absent: no switch test, as before the property

        var withRuns = CloneRuleParser.FromJson("""
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 0.0001, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14, "handoverRunDays": 3 } ] }
            """, "test.json");
        Assert.Equal(3, Assert.IsType<IndependentUseRule>(Assert.Single(withRuns.Rules)).HandoverRunDays);

        var withSwitches = CloneRuleParser.FromJson("""
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 0.0001, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14, "SwitchRate": 0.2 } ] }
            """, "test.json");
        Assert.Equal(0.2, Assert.IsType<IndependentUseRule>(Assert.Single(withSwitches.Rules)).SwitchRate);

        var badSwitch = Assert.Throws<CloneRulesException>(() => CloneRuleParser.FromJson("""
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 0.0001, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14, "SwitchRate": 1 } ] }
            """, "test.json"));
        Assert.Contains("Rules[0] ('pairs'): SwitchRate is '1'; it must be a number greater than 0 and less than 1", badSwitch.Message, StringComparison.Ordinal);

        var badRun = Assert.Throws<CloneRulesException>(() => CloneRuleParser.FromJson("""
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 0.0001, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14, "HandoverRunDays": 0 } ] }
            """, "test.json"));
        Assert.Contains("Rules[0] ('pairs'): HandoverRunDays is '0'; it must be a whole number from 1 to 7", badRun.Message, StringComparison.Ordinal);

        var error = Assert.Throws<CloneRulesException>(() => CloneRuleParser.FromJson("""
            { "Rules": [ { "Name": "pairs", "Kind": "IndependentUse", "PeriodDays": 60, "TransitionDays": 2, "MinOverlapDays": 5,
              "MinUseShare": 0.3, "AlternationRate": 0.01, "Alpha": 1.5, "GiveWayAlpha": 0.05, "MinClosedSpanDays": 14 } ] }
            """, "test.json"));
        Assert.Contains("Rules[0] ('pairs'): Alpha is '1.5'; it must be a number greater than 0 and less than 1", error.Message, StringComparison.Ordinal);
    }
}
