using System.Globalization;
using System.Net;
using System.Text;
using DeviceRegistry.Clones;

namespace DeviceRegistry.Web.BackOffice;

/// <summary>
/// The evidence timeline as server-rendered SVG: one column per day of the months kept, one row per SIM (in the
/// evidence's order: genuine owner first), a cell per day seen, a band behind the days two or more SIMs were
/// in use together, the verdict date as a vertical line. The header (month labels and a SIMs-per-day histogram)
/// is a separate SVG so the page can keep it in view while the rows scroll; the row labels are HTML of the
/// same <see cref="RowHeight"/>. Rows get lower as SIMs get more, so 150 SIMs over six months stay on two screens.
/// </summary>
public sealed class EvidenceTimeline
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly ImeiEvidence evidence;
    private readonly Dictionary<DateOnly, int> simsPerDay = [];

    public EvidenceTimeline(ImeiEvidence evidence)
    {
        this.evidence = evidence;
        Days = evidence.To.DayNumber - evidence.From.DayNumber + 1;
        DayWidth = Math.Clamp(840 / Days, 4, 24);
        RowHeight = evidence.Sims.Count switch { <= 12 => 24, <= 40 => 18, _ => 14 };
        foreach (var day in evidence.Sims.SelectMany(s => s.Days))
        {
            simsPerDay[day] = simsPerDay.GetValueOrDefault(day) + 1;
        }

        MaxSimsPerDay = simsPerDay.Count == 0 ? 0 : simsPerDay.Values.Max();
    }

    public const int HeaderHeight = 76;

    public int Days { get; }

    public int DayWidth { get; }

    public int RowHeight { get; }

    public int Width => Days * DayWidth;

    public int BodyHeight => Math.Max(1, evidence.Sims.Count) * RowHeight;

    public int MaxSimsPerDay { get; }

    /// <summary>The CSS class of a SIM's cells and label: the applicant's numbers, the genuine owner, or another SIM.</summary>
    public static string KindOf(EvidenceSim sim) => sim.Highlighted ? "ev-applicant" : sim.Genuine ? "ev-genuine" : "ev-other";

    private double X(DateOnly day) => (day.DayNumber - evidence.From.DayNumber) * DayWidth;

    /// <summary>Month labels, day ticks, the number of SIMs seen each day (days together in red) and the verdict marker.</summary>
    public string HeaderSvg(Func<DateOnly, string> monthLabel, string verdictLabel, string simsPerDayLabel)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg class=\"ev-axis\" width=\"{Width}\" height=\"{HeaderHeight}\" viewBox=\"0 0 {Width} {HeaderHeight}\" role=\"img\" aria-label=\"{Esc(simsPerDayLabel)}\">");
        for (var month = new DateOnly(evidence.From.Year, evidence.From.Month, 1); month <= evidence.To; month = month.AddMonths(1))
        {
            var x = Math.Max(0, X(month));
            svg.Append(Invariant, $"<line class=\"ev-month-line\" x1=\"{x}\" x2=\"{x}\" y1=\"0\" y2=\"{HeaderHeight}\"/>");
            svg.Append(Invariant, $"<text class=\"ev-month\" x=\"{x + 3}\" y=\"13\">{Esc(monthLabel(month))}</text>");
            foreach (var tick in new[] { 8, 15, 22 })
            {
                var day = month.AddDays(tick - 1);
                if (day >= evidence.From && day <= evidence.To)
                {
                    svg.Append(Invariant, $"<text class=\"ev-tick\" x=\"{X(day) + (DayWidth / 2.0)}\" y=\"25\">{tick}</text>");
                }
            }
        }

        // SIMs per day: a bar per day, scaled to the day with most SIMs.
        const int barTop = 29, barHeight = 30;
        if (MaxSimsPerDay > 0)
        {
            svg.Append(Invariant, $"<text class=\"ev-tick ev-scale\" x=\"{Width - 2}\" y=\"{barTop + 8}\">{MaxSimsPerDay}</text>");
            foreach (var (day, count) in simsPerDay.OrderBy(d => d.Key))
            {
                var h = Math.Max(1.5, barHeight * count / (double)MaxSimsPerDay);
                svg.Append(Invariant,
                    $"<rect class=\"{(count >= 2 ? "ev-bar-together" : "ev-bar")}\" x=\"{X(day)}\" y=\"{barTop + barHeight - h:0.#}\" width=\"{Math.Max(1, DayWidth - 1)}\" height=\"{h:0.#}\"><title>{day:yyyy-MM-dd}: {count}</title></rect>");
            }
        }

        if (VerdictX() is { } vx)
        {
            // The line runs under the bars; its label has a row of its own below them.
            svg.Append(Invariant, $"<line class=\"ev-verdict\" x1=\"{vx}\" x2=\"{vx}\" y1=\"{barTop}\" y2=\"{HeaderHeight}\"/>");
            var anchor = vx > Width - 110 ? "end" : "start";
            svg.Append(Invariant, $"<text class=\"ev-verdict-label\" x=\"{(anchor == "end" ? vx - 4 : vx + 4)}\" y=\"{HeaderHeight - 3}\" text-anchor=\"{anchor}\">{Esc(verdictLabel)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The rows: allowed-pair tint, days-together bands, month lines, a cell per day seen, the verdict line.</summary>
    public string BodySvg(string ariaLabel)
    {
        var svg = new StringBuilder(64 * 1024);
        svg.Append(Invariant, $"<svg class=\"ev-body\" width=\"{Width}\" height=\"{BodyHeight}\" viewBox=\"0 0 {Width} {BodyHeight}\" role=\"img\" aria-label=\"{Esc(ariaLabel)}\">");
        for (var i = 0; i < evidence.Sims.Count; i++)
        {
            var sim = evidence.Sims[i];
            var cls = sim.Allowed ? "ev-row-allowed" : i % 2 == 0 ? "ev-row-even" : "ev-row-odd";
            svg.Append(Invariant, $"<rect class=\"{cls}\" x=\"0\" y=\"{i * RowHeight}\" width=\"{Width}\" height=\"{RowHeight}\"/>");
        }

        foreach (var (first, length) in Runs(evidence.TogetherDays))
        {
            svg.Append(Invariant, $"<rect class=\"ev-together\" x=\"{X(first)}\" y=\"0\" width=\"{length * DayWidth}\" height=\"{BodyHeight}\"/>");
        }

        for (var month = new DateOnly(evidence.From.Year, evidence.From.Month, 1).AddMonths(1); month <= evidence.To; month = month.AddMonths(1))
        {
            svg.Append(Invariant, $"<line class=\"ev-month-line\" x1=\"{X(month)}\" x2=\"{X(month)}\" y1=\"0\" y2=\"{BodyHeight}\"/>");
        }

        var pad = RowHeight >= 18 ? 4 : 2;
        for (var i = 0; i < evidence.Sims.Count; i++)
        {
            var sim = evidence.Sims[i];
            svg.Append(Invariant, $"<g class=\"{KindOf(sim)}\" data-imsi=\"{sim.Imsi}\"><title>{sim.Imsi} · {Esc(sim.Msisdn ?? "-")} · {Esc(sim.Operator)} · {sim.Days.Count}</title>");
            foreach (var (first, length) in Runs(sim.Days))
            {
                svg.Append(Invariant, $"<rect x=\"{X(first)}\" y=\"{(i * RowHeight) + pad}\" width=\"{Math.Max(1, (length * DayWidth) - 1)}\" height=\"{RowHeight - (2 * pad)}\"/>");
            }

            svg.Append("</g>");
        }

        if (VerdictX() is { } vx)
        {
            svg.Append(Invariant, $"<line class=\"ev-verdict\" x1=\"{vx}\" x2=\"{vx}\" y1=\"0\" y2=\"{BodyHeight}\"/>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private double? VerdictX() =>
        evidence.Verdict is { } v && v.Since >= evidence.From && v.Since <= evidence.To ? X(v.Since) : null;

    /// <summary>Consecutive days as (first day, length) runs; the days must be ascending.</summary>
    internal static IEnumerable<(DateOnly First, int Length)> Runs(IReadOnlyList<DateOnly> days)
    {
        var i = 0;
        while (i < days.Count)
        {
            var j = i;
            while (j + 1 < days.Count && days[j + 1].DayNumber == days[j].DayNumber + 1)
            {
                j++;
            }

            yield return (days[i], j - i + 1);
            i = j + 1;
        }
    }

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
