namespace DeviceRegistry.Clones;

/// <summary>
/// The project's pairwise overlap test: two SIMs are two subscribers when, over their common span with the
/// change-over edges trimmed, they are seen on the same days about as often as two independent users would be
/// (each at its own rate), and far more often than one person taking two SIMs in turn could produce. For each
/// pair of IMSIs:
/// <list type="number">
/// <item>A home and a foreign SIM (<c>Registry:HomeNetworks</c>) are not compared: a visitor's or a traveller's pair.</item>
/// <item>With <see cref="Whereabouts"/>: a SIM seen on other IMEIs on more days of the common span (below) than on this one
/// lives in another phone and visits this one (a relative's, a dealer's customer's, a test lab's pool SIM): the pair is not
/// two users of this phone. Read only for an IMEI some rule matched (<see cref="SimWhereabouts"/>).</item>
/// <item>Common span: from TransitionDays after the later first day to the earlier last day, less TransitionDays
/// there too when that SIM stopped (last seen more than TransitionDays before the as-of date); cut to the period.</item>
/// <item>When the older SIM stopped (last seen more than TransitionDays before the as-of date, and not after the newer one),
/// their time together, untrimmed, must be at least MinClosedSpanDays: one or two weeks of both SIMs in turn after a number
/// change, then the old one dropped, is a change-over, however busy.</item>
/// <item>Each SIM's rate over the span (days seen / span days) must be at least MinUseShare: a phone a subscriber
/// carries as their own is on the network on most days; a relative's SIM for a day, a foreign SIM on landing, one
/// test SIM of a pool are not.</item>
/// <item>k = days in the span with both SIMs that are not handovers (a handover: the pair's nearest days seen before and
/// after show one SIM alone and the other alone, and one of them was alone on HandoverRunDays days on its side). One person
/// alternating shows both on a day only at a switch, so rarely: k must be at least MinOverlapDays and improbable under
/// Binomial(span, AlternationRate) (upper tail at most Alpha divided by the number of pairs compared on the IMEI: each pair
/// is one more chance of a chance overlap, and a test phone's pool of SIMs gives many), or the changes from one SIM alone to
/// the other alone improbable under Binomial(single days - 1, SwitchRate): one person changes SIMs rarely (with the switch
/// test, each of the two gets half the bar).</item>
/// <item>k must not be improbably low for independent users, Binomial(span, rateA*rateB) (lower tail above Alpha):
/// two SIMs that avoid each other's days are one person's.</item>
/// <item>Held: while both are in use and the newer SIM is younger than MinClosedSpanDays, a hesitant number change is still
/// possible; the pair is decided only when the older SIM shows, over a span of at least two weeks, that it kept at least half
/// its usual use (its whole history before the newer SIM), otherwise a later run decides it.</item>
/// <item>Give-way: when the older SIM's rate in the span is improbably low against its rate over the 28 days before
/// the newer SIM appeared (lower tail at most GiveWayAlpha), it gave way to the newer one: a number change, a
/// replacement, a resale. A genuine owner's use does not change because a copy appeared.</item>
/// </list>
/// </summary>
public sealed class IndependentUseRule(string name, int periodDays, int transitionDays, int minOverlapDays, double minUseShare,
    double alternationRate, double alpha, double giveWayAlpha, int minClosedSpanDays, int handoverRunDays, double switchRate = 0,
    bool whereabouts = false) : CloneRule(name)
{
    public const string KindName = "IndependentUse";

    /// <summary>IMSIs compared pairwise at most (the most-seen ones): a crowd of short-lived SIMs is the crowded-imei rule's job.</summary>
    public const int MaxCandidates = 64;

    /// <summary>Days before the newer SIM's arrival over which the older SIM's usual rate is measured.</summary>
    public const int GiveWayWindowDays = 28;

    /// <summary>
    /// An older SIM gives way when its rate falls below this share of its usual one: a SIM kept after a change is put in
    /// now and then, an owner whose IMEI was copied goes on as before (a trip or a quieter month does not halve it).
    /// </summary>
    public const double GiveWayShare = 0.5;

    public override int PeriodDays { get; } = periodDays;

    public int TransitionDays { get; } = transitionDays;

    public int MinOverlapDays { get; } = minOverlapDays;

    public double MinUseShare { get; } = minUseShare;

    public double AlternationRate { get; } = alternationRate;

    public double Alpha { get; } = alpha;

    public double GiveWayAlpha { get; } = giveWayAlpha;

    public int MinClosedSpanDays { get; } = minClosedSpanDays;

    /// <summary>
    /// A day with both SIMs, between a day with one of them alone and a day with the other alone, is a handover (one person
    /// switching) only when the SIM given up was alone on at least this many of the pair's days seen just before it, or the
    /// SIM taken on alone on as many just after: one person keeps a SIM in for a while, on one side of a switch at least.
    /// Single days of each on both sides (x, both, y) is how two users each on part of their days alternate. 1 counts any
    /// such day as a switch.
    /// </summary>
    public int HandoverRunDays { get; } = handoverRunDays;

    /// <summary>
    /// The most one person switches between two SIMs: a switch is a day seen with one SIM alone after the pair's last day seen
    /// with the other alone (the days with both between them do not count). One person moves a SIM out of a single-SIM phone
    /// now and then and keeps the other in for a while; two users each carrying a phone show the one, then the other, as
    /// their own days fall. A pair whose switches are improbable at this rate (upper tail of Binomial(single days - 1,
    /// SwitchRate)) passes step 5 as improbable shared days do; the two tests share Alpha. 0 (a rule file without it): no
    /// switch test, the behaviour before it existed.
    /// </summary>
    public double SwitchRate { get; } = switchRate;

    /// <summary>
    /// Whether a pair is passed over when one of its SIMs lives in another phone: seen on other IMEIs on more of the common
    /// span's days than on this one. A copy's user carries the copy as their phone; a relative who borrows the phone for a
    /// day, a customer whose SIM a dealer activates, a pool SIM a test lab moves between its phones each have a phone of
    /// their own that the registry sees too. false (a rule file without it): the pairs are judged on this IMEI's days alone.
    /// </summary>
    public bool Whereabouts { get; } = whereabouts;

    public override bool ReadsWhereabouts => Whereabouts;

    /// <summary>The fewest days a rate is measured on (a week): the older SIM's usual use.</summary>
    public const int MinRateDays = 7;

    /// <summary>
    /// The shortest span over which the older SIM can show, in the change-over window, that it kept its use: two weeks, the
    /// longest a hesitant number change takes both SIMs in turn. Over a shorter span an old SIM still taken in turn with the
    /// new one can show as many days as a kept one, and with detection run every day some pair would, on some day.
    /// </summary>
    public const int KeptSpanDays = 14;

    /// <summary>
    /// In the change-over window the older SIM must show it kept its use: its days since the newer SIM appeared improbable
    /// (upper tail at most this) had it fallen to <see cref="GiveWayShare"/> of its usual rate, as an old SIM taken in turn
    /// with the new one after a number change does.
    /// </summary>
    public const double KeptAlpha = 0.1;

    public override bool Matches(ImeiActivity activity, ActivityMeasures measures) => FindPair(activity, measures) is not null;

    /// <summary>The first pair (IMSI indexes) that shows independent use, with the number of pairs compared (<see cref="Comparisons"/>), or null.</summary>
    public (int A, int B, PairOverlap Overlap, int Comparisons)? FindPair(ImeiActivity activity, ActivityMeasures measures)
    {
        if (activity.ImsiCount < 2)
        {
            return null;
        }

        var from = activity.PeriodStart(PeriodDays);
        var asOf = activity.DayCount - 1;
        var candidates = measures.Candidates(activity, from, MinOverlapDays, MaxCandidates);
        var comparisons = Comparisons(candidates.Length);
        for (var i = 0; i < candidates.Length; i++)
        {
            for (var j = i + 1; j < candidates.Length; j++)
            {
                var overlap = Measure(activity, candidates[i], candidates[j], from, asOf, out _);
                if (overlap is { } o && Judge(o, comparisons) == PairVerdict.Independent)
                {
                    return (candidates[i], candidates[j], o, comparisons);
                }
            }
        }

        return null;
    }

    /// <summary>Why a pair is or is not independent use: the first step it fails, or <see cref="PairVerdict.Independent"/>.</summary>
    public PairVerdict Why(ImeiActivity activity, int x, int y)
    {
        var from = activity.PeriodStart(PeriodDays);
        if (Measure(activity, x, y, from, activity.DayCount - 1, out var unjudged) is not { } o)
        {
            return unjudged;
        }

        return Judge(o, Comparisons(new ActivityMeasures().Candidates(activity, from, MinOverlapDays, MaxCandidates).Length));
    }

    /// <summary>
    /// The pairs compared among this many candidate IMSIs, what the alternation test's Alpha is divided by: each pair is one
    /// more chance of a chance overlap (all of them count, whichever later steps they would fail: that is data too).
    /// </summary>
    public static int Comparisons(int candidates) => Math.Max(1, candidates * (candidates - 1) / 2);

    private PairOverlap? Measure(ImeiActivity activity, int x, int y, int from, int asOf, out PairVerdict unjudged)
    {
        unjudged = PairVerdict.NoCommonSpan;
        int firstX = ImeiActivity.FirstDay(activity.DaysOf(x)), firstY = ImeiActivity.FirstDay(activity.DaysOf(y));
        if (firstX < 0 || firstY < 0)
        {
            return null;
        }

        if (activity.IsHome(x) != activity.IsHome(y))
        {
            unjudged = PairVerdict.Traveller; // a foreign and a home SIM: a visitor or a traveller landing, not two users
            return null;
        }

        // a is the older SIM
        var swap = firstY < firstX;
        var a = activity.DaysOf(swap ? y : x);
        var b = activity.DaysOf(swap ? x : y);
        var firstA = Math.Min(firstX, firstY);
        var firstB = Math.Max(firstX, firstY);

        int lastA = ImeiActivity.LastDay(a), lastB = ImeiActivity.LastDay(b);
        var end = Math.Min(lastA, lastB);
        var open = end >= asOf - TransitionDays;
        if (!open)
        {
            if (lastA <= lastB && end - firstB + 1 < MinClosedSpanDays)
            {
                // both SIMs for a week or two, then the old one stopped: a change-over. When it is the newer SIM that went
                // (the older one goes on), nothing changed over: its days are judged like any pair's
                unjudged = PairVerdict.ChangeOver;
                return null;
            }

            end -= TransitionDays; // that SIM stopped: its last days are a change-over too
        }

        var start = Math.Max(from, firstB + TransitionDays);
        var span = end - start + 1;
        if (span < MinOverlapDays)
        {
            return null;
        }

        var countA = ImeiActivity.CountDays(a, start, end);
        var countB = ImeiActivity.CountDays(b, start, end);
        int elsewhereA = 0, elsewhereB = 0;
        if (activity.HasWhereabouts)
        {
            elsewhereA = ImeiActivity.CountDays(activity.ElsewhereOf(swap ? y : x), start, end);
            elsewhereB = ImeiActivity.CountDays(activity.ElsewhereOf(swap ? x : y), start, end);
            if (Whereabouts && (elsewhereA > countA || elsewhereB > countB))
            {
                unjudged = PairVerdict.LivesElsewhere; // one of them is at home in another phone and visits this one
                return null;
            }
        }

        int both = 0, singleDays = 0, switches = 0, lastAlone = 0; // lastAlone: 1 = A alone, 2 = B alone
        for (var day = start; day <= end; day++)
        {
            bool inA = ImeiActivity.IsSet(a, day), inB = ImeiActivity.IsSet(b, day);
            if (inA && inB)
            {
                if (!IsHandover(a, b, day, activity.DayCount))
                {
                    both++;
                }
            }
            else if (inA || inB)
            {
                var alone = inA ? 1 : 2;
                singleDays++;
                if (lastAlone != 0 && alone != lastAlone)
                {
                    switches++;
                }

                lastAlone = alone;
            }
        }

        var beforeFrom = Math.Max(firstA + TransitionDays, firstB - GiveWayWindowDays);
        var beforeDays = firstB - beforeFrom;
        var beforeCount = beforeDays > 0 ? ImeiActivity.CountDays(a, beforeFrom, firstB - 1) : 0;
        var settling = open && asOf - firstB + 1 < MinClosedSpanDays;
        var historyFrom = firstA + TransitionDays;
        var historyDays = Math.Max(0, firstB - historyFrom);
        var historyCount = historyDays > 0 ? ImeiActivity.CountDays(a, historyFrom, firstB - 1) : 0;
        return new PairOverlap(span, countA, countB, both, Math.Max(0, beforeDays), beforeCount, settling, historyDays, historyCount)
        {
            SingleDays = singleDays,
            Switches = switches,
            ElsewhereA = elsewhereA,
            ElsewhereB = elsewhereB,
        };
    }

    /// <summary>
    /// The first step of the decision a pair fails, or <see cref="PairVerdict.Independent"/>; <paramref name="comparisons"/>
    /// is the number of pairs compared on the IMEI (<see cref="Comparisons"/>).
    /// </summary>
    public PairVerdict Judge(PairOverlap o, int comparisons)
    {
        var rateA = (double)o.CountA / o.SpanDays;
        var rateB = (double)o.CountB / o.SpanDays;
        if (rateA < MinUseShare || rateB < MinUseShare)
        {
            return PairVerdict.LittleUse;
        }

        if (o.BothDays < MinOverlapDays)
        {
            return PairVerdict.FewSharedDays;
        }

        var bar = Bar(comparisons);
        if (Binomial.UpperTail(o.BothDays, o.SpanDays, AlternationRate) > bar && !Switching(o, bar))
        {
            return PairVerdict.Alternation; // one person switching SIMs now and then could show this much
        }

        if (Binomial.LowerTail(o.BothDays, o.SpanDays, rateA * rateB) <= Alpha)
        {
            return PairVerdict.TakingTurns; // far fewer shared days than independent users: they take turns
        }

        var usual = o.BeforeDays >= MinRateDays ? Math.Min(0.99, (double)o.BeforeCount / o.BeforeDays) : double.NaN;
        var lifelong = o.HistoryDays >= MinRateDays ? Math.Min(0.99, (double)o.HistoryCount / o.HistoryDays) : double.NaN;
        if (o.Settling && (double.IsNaN(lifelong) || o.SpanDays < KeptSpanDays || Binomial.UpperTail(o.CountA, o.SpanDays, lifelong * GiveWayShare) > KeptAlpha))
        {
            // still within a change-over's time at the as-of date, and the older SIM has not shown that it kept its use
            // (or has no history to compare with): a number change in progress looks the same; held until the old SIM
            // stops (a change-over) or the window has passed
            return PairVerdict.Settling;
        }

        if (!double.IsNaN(usual) && rateA < usual * GiveWayShare && Binomial.LowerTail(o.CountA, o.SpanDays, usual) <= GiveWayAlpha)
        {
            return PairVerdict.GaveWay; // the older SIM gave way to the newer one
        }

        return PairVerdict.Independent;
    }

    /// <summary>
    /// The bar step 5's tail must pass for one pair among <paramref name="comparisons"/>: Alpha shared out among the pairs and,
    /// with the switch test, between its two tests (each is one more chance of a chance result).
    /// </summary>
    public double Bar(int comparisons) => Alpha / (SwitchRate > 0 ? 2.0 * comparisons : comparisons);

    /// <summary>
    /// The chance that one person changing SIMs at most at <see cref="SwitchRate"/> shows the pair's changes between its single
    /// days, or null without the switch test (or with under two single days).
    /// </summary>
    public double? SwitchTail(PairOverlap o) =>
        SwitchRate > 0 && o.SingleDays >= 2 ? Binomial.UpperTail(o.Switches, o.SingleDays - 1, SwitchRate) : null;

    /// <summary>Whether the pair switches between its SIMs more often than one person does (<see cref="SwitchRate"/>).</summary>
    private bool Switching(PairOverlap o, double bar) => SwitchTail(o) <= bar;

    private bool IsHandover(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, int day, int dayCount)
    {
        var before = day - 1;
        while (before >= 0 && !ImeiActivity.IsSet(a, before) && !ImeiActivity.IsSet(b, before))
        {
            before--;
        }

        var after = day + 1;
        while (after < dayCount && !ImeiActivity.IsSet(a, after) && !ImeiActivity.IsSet(b, after))
        {
            after++;
        }

        if (before < 0 || after >= dayCount)
        {
            return false;
        }

        var sharesA = ImeiActivity.IsSet(a, before) && ImeiActivity.IsSet(a, after);
        var sharesB = ImeiActivity.IsSet(b, before) && ImeiActivity.IsSet(b, after);
        if (sharesA || sharesB)
        {
            return false;
        }

        // a switch: the SIM given up was alone on the pair's last HandoverRunDays days seen before, or the one taken on
        // alone on its first HandoverRunDays after
        return HandoverRunDays == 1
            || RunOf(a, b, before, -1, dayCount) >= HandoverRunDays || RunOf(a, b, after, +1, dayCount) >= HandoverRunDays;
    }

    /// <summary>Days seen, from <paramref name="day"/> on in the direction of <paramref name="step"/>, on which the same one of the two SIMs was alone (at most HandoverRunDays).</summary>
    private int RunOf(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, int day, int step, int dayCount)
    {
        var inA = ImeiActivity.IsSet(a, day);
        var run = 0;
        for (var d = day; d >= 0 && d < dayCount && run < HandoverRunDays; d += step)
        {
            bool x = ImeiActivity.IsSet(a, d), y = ImeiActivity.IsSet(b, d);
            if (!x && !y)
            {
                continue;
            }

            if ((x && y) || x != inA)
            {
                break;
            }

            run++;
        }

        return run;
    }
}

/// <summary>
/// Two SIMs over their trimmed common span: its length, the days each was seen, the days both were seen (handovers
/// left out), the older SIM's days seen in the window before the newer one arrived, whether both are still in use
/// with the newer one younger than MinClosedSpanDays (a change-over may still be going on), and the older SIM's whole
/// history before the newer one (its days from TransitionDays after its first day, and the days seen among them).
/// </summary>
public readonly record struct PairOverlap(int SpanDays, int CountA, int CountB, int BothDays, int BeforeDays, int BeforeCount,
    bool Settling = false, int HistoryDays = 0, int HistoryCount = 0)
{
    /// <summary>Days of the span with one of the two SIMs alone.</summary>
    public int SingleDays { get; init; }

    /// <summary>Single days whose SIM is not the one alone on the single day before (<see cref="IndependentUseRule.SwitchRate"/>).</summary>
    public int Switches { get; init; }

    /// <summary>Days of the span the older SIM was seen on other IMEIs (0 unless the whereabouts were read).</summary>
    public int ElsewhereA { get; init; }

    /// <summary>Days of the span the newer SIM was seen on other IMEIs (0 unless the whereabouts were read).</summary>
    public int ElsewhereB { get; init; }
}

/// <summary>What the independent-use test made of a pair of SIMs: the first step it failed, or independent use.</summary>
public enum PairVerdict
{
    Independent,
    NoCommonSpan,
    Traveller,
    LivesElsewhere,
    ChangeOver,
    LittleUse,
    FewSharedDays,
    Alternation,
    TakingTurns,
    Settling,
    GaveWay,
}

/// <summary>Binomial tails, exact, in log space (spans are at most 366 days).</summary>
public static class Binomial
{
    private static readonly double[] LogFactorial = BuildLogFactorials(400);

    /// <summary>P(X &gt;= k) for X ~ Binomial(n, p).</summary>
    public static double UpperTail(int k, int n, double p)
    {
        if (k <= 0)
        {
            return 1;
        }

        if (k > n || p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return 1;
        }

        var sum = 0.0;
        for (var i = k; i <= n; i++)
        {
            sum += Pmf(i, n, p);
        }

        return Math.Min(1, sum);
    }

    /// <summary>P(X &lt;= k) for X ~ Binomial(n, p).</summary>
    public static double LowerTail(int k, int n, double p)
    {
        if (k >= n || p <= 0)
        {
            return 1;
        }

        if (k < 0 || p >= 1)
        {
            return 0;
        }

        var sum = 0.0;
        for (var i = 0; i <= k; i++)
        {
            sum += Pmf(i, n, p);
        }

        return Math.Min(1, sum);
    }

    private static double Pmf(int i, int n, double p) =>
        Math.Exp(LogFactorial[n] - LogFactorial[i] - LogFactorial[n - i] + i * Math.Log(p) + (n - i) * Math.Log(1 - p));

    private static double[] BuildLogFactorials(int max)
    {
        var table = new double[max + 1];
        for (var i = 1; i <= max; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }
}
