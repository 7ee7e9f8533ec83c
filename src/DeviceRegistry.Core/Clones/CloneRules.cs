namespace DeviceRegistry.Clones;

/// <summary>A clone-detection rule: does the IMEI's activity up to the as-of date look like a clone?</summary>
public abstract class CloneRule(string name)
{
    public string Name { get; } = name;

    /// <summary>The longest period, in days ending on the as-of date, the rule looks at.</summary>
    public abstract int PeriodDays { get; }

    public abstract bool Matches(ImeiActivity activity, ActivityMeasures measures);

    /// <summary>Whether the rule reads where the IMEI's SIMs were seen on other IMEIs (<see cref="ImeiActivity.HasWhereabouts"/>).</summary>
    public virtual bool ReadsWhereabouts => false;
}

/// <summary>DIRBS's duplicate_threshold: at least Threshold distinct IMSIs in the PeriodDays days ending on the as-of date (inclusive).</summary>
public sealed class DistinctImsisRule(string name, int threshold, int periodDays) : CloneRule(name)
{
    public const string KindName = "DistinctImsis";

    public int Threshold { get; } = threshold;

    public override int PeriodDays { get; } = periodDays;

    public override bool Matches(ImeiActivity activity, ActivityMeasures measures) =>
        ActivityMeasures.DistinctImsis(activity, PeriodDays) >= Threshold;
}

/// <summary>
/// DIRBS's duplicate_daily_avg: over the days of the period on which the IMEI was seen, the average
/// number of distinct IMSIs per day is at least Threshold, and it was seen on at least MinSeenDays days.
/// </summary>
public sealed class DailyAverageImsisRule(string name, double threshold, int periodDays, int minSeenDays) : CloneRule(name)
{
    public const string KindName = "DailyAverageImsis";

    public double Threshold { get; } = threshold;

    public override int PeriodDays { get; } = periodDays;

    public int MinSeenDays { get; } = minSeenDays;

    public override bool Matches(ImeiActivity activity, ActivityMeasures measures)
    {
        var (seenDays, imsiDays) = measures.DailyTotals(activity, PeriodDays);
        return seenDays > 0 && seenDays >= MinSeenDays && (double)imsiDays / seenDays >= Threshold;
    }
}

/// <summary>Matches when every inner rule matches.</summary>
public sealed class AllOfRule(string name, IReadOnlyList<CloneRule> rules) : CloneRule(name)
{
    public const string KindName = "AllOf";

    public IReadOnlyList<CloneRule> Rules { get; } = rules;

    public override int PeriodDays => Rules.Max(r => r.PeriodDays);

    public override bool ReadsWhereabouts => Rules.Any(r => r.ReadsWhereabouts);

    public override bool Matches(ImeiActivity activity, ActivityMeasures measures)
    {
        foreach (var rule in Rules)
        {
            if (!rule.Matches(activity, measures))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// The project's concurrency rule: several subscribers using the IMEI on the same days, continuing.
/// A day is concurrent when at least MinImsis IMSIs were seen on it, each in steady use: the day lies
/// more than TransitionDays after the IMSI's first day seen and before its last (the overlap of an
/// old and a new SIM at a number change, a SIM replacement or a resale falls in those edges), and it
/// is not a handover (the nearest days seen before and after share an IMSI). The
/// rule matches when there were at least MinDays concurrent days in the period, and at least
/// MinWeeks of the 7-day blocks counted back from the as-of date each hold at least MinDaysPerWeek
/// of them: use that goes on week after week, not a burst (a hesitant number change) nor a day here
/// and there (a relative borrowing the phone).
/// </summary>
public sealed class ConcurrentImsisRule(string name, int periodDays, int minImsis, int minDays, int minWeeks, int minDaysPerWeek,
    int transitionDays) : CloneRule(name)
{
    public const string KindName = "ConcurrentImsis";

    public override int PeriodDays { get; } = periodDays;

    public int MinImsis { get; } = minImsis;

    public int MinDays { get; } = minDays;

    public int MinWeeks { get; } = minWeeks;

    public int MinDaysPerWeek { get; } = minDaysPerWeek;

    public int TransitionDays { get; } = transitionDays;

    public override bool Matches(ImeiActivity activity, ActivityMeasures measures)
    {
        if (activity.ImsiCount < MinImsis)
        {
            return false;
        }

        var concurrent = measures.ConcurrentDays(activity, MinImsis, TransitionDays);
        var from = activity.PeriodStart(PeriodDays);
        if (ImeiActivity.CountDays(concurrent, from, activity.DayCount - 1) < MinDays)
        {
            return false;
        }

        return ActivityMeasures.WeeksWithDays(activity, concurrent, PeriodDays, MinDaysPerWeek) >= MinWeeks;
    }
}

/// <summary>The rules of one detection run; an IMEI is a clone when any of them matches (the first match is recorded).</summary>
public sealed class CloneRuleSet(IReadOnlyList<CloneRule> rules)
{
    public IReadOnlyList<CloneRule> Rules { get; } = rules;

    public int LongestPeriodDays => Rules.Max(r => r.PeriodDays);

    /// <summary>Whether any rule reads the SIMs' whereabouts on other IMEIs.</summary>
    public bool ReadsWhereabouts { get; } = rules.Any(r => r.ReadsWhereabouts);

    /// <summary>
    /// Whether the match of <paramref name="firstMatch"/> on this activity stands only once the SIMs' whereabouts are read
    /// (<see cref="SimWhereabouts"/>): they can only spare an IMEI, so they are read for the IMEIs some rule matched, and the
    /// rules run again on those. A first match by a rule that does not read them stands as it is: the rules before it did not
    /// match without the whereabouts, so they cannot with them.
    /// </summary>
    public static bool MatchNeedsWhereabouts(ImeiActivity activity, CloneRule firstMatch) =>
        firstMatch.ReadsWhereabouts && !activity.HasWhereabouts;

    /// <summary>
    /// The project's defaults (docs/clone-detection.md, docs/adr/0010-independent-use-clone-rule.md): two SIMs whose
    /// days overlap as independent users' do and far beyond what one person switching SIMs produces; or three or more
    /// at once on days in two different weeks of the last 30 days; or, for crowds of short-lived SIMs that never settle
    /// into steady use, three or more IMSIs a day on average over the last 30 days.
    /// </summary>
    public static CloneRuleSet Defaults { get; } = new(
    [
        new IndependentUseRule("independent-use", periodDays: 90, transitionDays: 3, minOverlapDays: 4, minUseShare: 0.25,
            alternationRate: 0.02, alpha: 0.001, giveWayAlpha: 0.01, minClosedSpanDays: 21, handoverRunDays: 2,
            switchRate: 0.1, whereabouts: true),
        new ConcurrentImsisRule("many-concurrent-users", periodDays: 30, minImsis: 3, minDays: 3, minWeeks: 2, minDaysPerWeek: 1, transitionDays: 3),
        new DailyAverageImsisRule("crowded-imei", threshold: 3.0, periodDays: 30, minSeenDays: 14),
    ]);

    /// <summary>
    /// The defaults before the independent-use rule (week quotas of steady concurrent days), kept for comparison in the
    /// sweep: two subscribers in steady use on the same days, two or more days a week for three weeks or more within 90
    /// days, plus the same safety nets.
    /// </summary>
    public static CloneRuleSet WeeklyQuotas { get; } = new(
    [
        new ConcurrentImsisRule("concurrent-use", periodDays: 90, minImsis: 2, minDays: 8, minWeeks: 3, minDaysPerWeek: 2, transitionDays: 3),
        Defaults.Rules[1],
        Defaults.Rules[2],
    ]);

    /// <summary>DIRBS's two counting conditions with their usual parameters, for comparison.</summary>
    public static CloneRuleSet DirbsStyle { get; } = new(
    [
        new DistinctImsisRule("dirbs-duplicate-threshold", threshold: 10, periodDays: 120),
        new DailyAverageImsisRule("dirbs-duplicate-daily-avg", threshold: 4.0, periodDays: 30, minSeenDays: 5),
    ]);

    /// <summary>The first rule that matches, or null.</summary>
    public CloneRule? FirstMatch(ImeiActivity activity, ActivityMeasures measures)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(activity, measures))
            {
                return rule;
            }
        }

        return null;
    }
}
