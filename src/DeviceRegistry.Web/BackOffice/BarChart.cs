using System.Globalization;
using System.Net;
using System.Text;

namespace DeviceRegistry.Web.BackOffice;

/// <summary>
/// A server-rendered SVG bar chart readable at a glance: a value axis from zero with gridlines, a label under
/// each bar and the value on it. Vertical bars for series over time, horizontal bars for categories.
/// </summary>
public static class BarChart
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Vertical(IReadOnlyList<(string Label, double Value)> bars, string ariaLabel, string cssClass, int width = 560, int height = 240)
    {
        const int left = 44, right = 8, top = 16, bottom = 38;
        var max = NiceMax(bars.Count == 0 ? 0 : bars.Max(b => b.Value));
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg class=\"st-chart {cssClass}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Esc(ariaLabel)}\">");
        Grid(svg, max, left, top, plotW, plotH);
        var slot = bars.Count == 0 ? plotW : plotW / (double)bars.Count;
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var h = max == 0 ? 0 : plotH * value / max;
            var x = left + (i * slot) + (slot * 0.15);
            var w = slot * 0.7;
            svg.Append(Invariant, $"<rect class=\"st-bar\" x=\"{x:0.#}\" y=\"{top + plotH - h:0.#}\" width=\"{w:0.#}\" height=\"{h:0.#}\"><title>{Esc(label)}: {Value(value)}</title></rect>");
            svg.Append(Invariant, $"<text class=\"st-value\" x=\"{x + (w / 2):0.#}\" y=\"{top + plotH - h - 3:0.#}\">{Value(value)}</text>");
            svg.Append(Invariant, $"<text class=\"st-label\" x=\"{x + (w / 2):0.#}\" y=\"{top + plotH + 14}\">{Esc(label)}</text>");
        }

        svg.Append(Invariant, $"<line class=\"st-axis\" x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{top + plotH}\" y2=\"{top + plotH}\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    public static string Horizontal(IReadOnlyList<(string Label, double Value)> bars, string ariaLabel, string cssClass, int width = 560)
    {
        const int left = 170, right = 50, top = 6, row = 26;
        var height = top + (Math.Max(1, bars.Count) * row) + 6;
        var max = NiceMax(bars.Count == 0 ? 0 : bars.Max(b => b.Value));
        var plotW = width - left - right;
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg class=\"st-chart {cssClass}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Esc(ariaLabel)}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var w = max == 0 ? 0 : plotW * value / max;
            var y = top + (i * row);
            svg.Append(Invariant, $"<text class=\"st-label st-label-left\" x=\"{left - 8}\" y=\"{y + 17}\">{Esc(label)}</text>");
            svg.Append(Invariant, $"<rect class=\"st-bar st-bar-{i}\" x=\"{left}\" y=\"{y + 4}\" width=\"{Math.Max(w, value > 0 ? 2 : 0):0.#}\" height=\"{row - 8}\"><title>{Esc(label)}: {Value(value)}</title></rect>");
            svg.Append(Invariant, $"<text class=\"st-value st-value-right\" x=\"{left + w + 5:0.#}\" y=\"{y + 17}\">{Value(value)}</text>");
        }

        svg.Append(Invariant, $"<line class=\"st-axis\" x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{height - 6}\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Grid(StringBuilder svg, double max, int left, int top, int plotW, int plotH)
    {
        for (var k = 0; k <= 4; k++)
        {
            var v = max * k / 4;
            var y = top + plotH - (plotH * k / 4.0);
            svg.Append(Invariant, $"<line class=\"st-gridline\" x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>");
            svg.Append(Invariant, $"<text class=\"st-tick\" x=\"{left - 6}\" y=\"{y + 4:0.#}\">{Value(v)}</text>");
        }
    }

    /// <summary>A round axis maximum at or above the largest value (1, 2, 4, 5, 8 times a power of ten; at least 4).</summary>
    internal static double NiceMax(double value)
    {
        if (value <= 4)
        {
            // Counts: four whole-number gridlines rather than 0.5 steps.
            return 4;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 4, 5, 8, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Value(double v) => v == Math.Floor(v) ? v.ToString("#,0", Invariant) : v.ToString("#,0.#", Invariant);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
