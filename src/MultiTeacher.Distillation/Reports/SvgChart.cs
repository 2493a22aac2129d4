using System.Globalization;
using System.Net;
using System.Text;

namespace MultiTeacher.Distillation.Reports;

/// <summary>Small inline-SVG charts (lines, bars, scatter) for reports that open offline: no scripts, no fonts to fetch.</summary>
public static class SvgChart
{
    private const int Width = 760;
    private const int Height = 320;
    private const int Left = 60;
    private const int Right = 230;
    private const int Top = 20;
    private const int Bottom = 40;

    private static readonly string[] s_palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>One line per series over x; y is drawn as a percentage when <paramref name="percent"/>.</summary>
    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series, bool percent = true)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        if (all.Count == 0)
        {
            return Empty(title);
        }

        var (x0, x1) = Range(all.Select(p => p.X), pad: false);
        var (y0, y1) = Range(all.Select(p => p.Y), pad: true);
        var svg = Begin(title);
        Axes(svg, x0, x1, y0, y1, xLabel, yLabel, percent, logX: false);
        for (var i = 0; i < series.Count; i++)
        {
            var color = s_palette[i % s_palette.Length];
            var points = string.Join(' ', series[i].Points.Select(p => $"{F(X(p.X, x0, x1, false))},{F(Y(p.Y, y0, y1))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>");
            foreach (var p in series[i].Points)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.X, x0, x1, false))}\" cy=\"{F(Y(p.Y, y0, y1))}\" r=\"2.5\" fill=\"{color}\"/>");
            }

            Legend(svg, i, series[i].Name, color);
        }

        return End(svg);
    }

    /// <summary>Horizontal-label bars, one per item.</summary>
    public static string Bars(string title, string yLabel, IReadOnlyList<(string Name, double Value)> bars, bool percent = true)
    {
        if (bars.Count == 0)
        {
            return Empty(title);
        }

        var (y0, y1) = Range(bars.Select(b => b.Value), pad: true);
        var svg = Begin(title);
        Axes(svg, 0, bars.Count, y0, y1, "", yLabel, percent, logX: false, xTicks: false);
        var slot = (Width - Left - Right) / (double)bars.Count;
        for (var i = 0; i < bars.Count; i++)
        {
            var color = s_palette[i % s_palette.Length];
            var x = Left + i * slot + slot * 0.15;
            var y = Y(bars[i].Value, y0, y1);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(slot * 0.7)}\" height=\"{F(Height - Bottom - y)}\" fill=\"{color}\"><title>{Escape(bars[i].Name)}: {Format(bars[i].Value, percent)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(x + slot * 0.35)}\" y=\"{F(y - 4)}\" font-size=\"10\" text-anchor=\"middle\">{Format(bars[i].Value, percent)}</text>");
            Legend(svg, i, bars[i].Name, color);
        }

        return End(svg);
    }

    /// <summary>Labelled points; x on a log scale when <paramref name="logX"/>.</summary>
    public static string Scatter(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, double X, double Y)> points, bool logX = true, bool percent = true)
    {
        var valid = points.Where(p => p.X > 0 || !logX).ToList();
        if (valid.Count == 0)
        {
            return Empty(title);
        }

        var (x0, x1) = logX ? (Math.Log10(valid.Min(p => p.X)) - 0.2, Math.Log10(valid.Max(p => p.X)) + 0.2) : Range(valid.Select(p => p.X), pad: true);
        var (y0, y1) = Range(valid.Select(p => p.Y), pad: true);
        var svg = Begin(title);
        Axes(svg, x0, x1, y0, y1, xLabel, yLabel, percent, logX);
        for (var i = 0; i < valid.Count; i++)
        {
            var color = s_palette[i % s_palette.Length];
            var x = X(logX ? Math.Log10(valid[i].X) : valid[i].X, x0, x1, false);
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle cx=\"{F(x)}\" cy=\"{F(Y(valid[i].Y, y0, y1))}\" r=\"5\" fill=\"{color}\"><title>{Escape(valid[i].Name)}</title></circle>");
            Legend(svg, i, valid[i].Name, color);
        }

        return End(svg);
    }

    private static StringBuilder Begin(string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title><text x=\"{Left}\" y=\"14\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string Empty(string title) => End(Begin(title + " (no data)"));

    private static void Axes(StringBuilder svg, double x0, double x1, double y0, double y1, string xLabel, string yLabel, bool percent, bool logX, bool xTicks = true)
    {
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var v = y0 + (y1 - y0) * i / 4;
            var y = Y(v, y0, y1);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" stroke=\"#ddd\"/><text x=\"{Left - 4}\" y=\"{F(y + 3)}\" font-size=\"10\" text-anchor=\"end\">{Format(v, percent)}</text>");
            if (xTicks)
            {
                var xv = x0 + (x1 - x0) * i / 4;
                var label = logX ? Compact(Math.Pow(10, xv)) : xv.ToString("0.#", CultureInfo.InvariantCulture);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{F(X(xv, x0, x1, false))}\" y=\"{Height - Bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{label}</text>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" font-size=\"11\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"12\" y=\"{(Top + Height - Bottom) / 2}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>");
    }

    private static void Legend(StringBuilder svg, int index, string name, string color)
    {
        var y = Top + 10 + index * 16;
        svg.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{Width - Right + 10}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{Width - Right + 24}\" y=\"{y + 1}\" font-size=\"10\">{Escape(name)}</text>");
    }

    private static (double, double) Range(IEnumerable<double> values, bool pad)
    {
        var list = values.Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var (lo, hi) = (list.Min(), list.Max());
        if (hi - lo < 1e-9)
        {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }

        var margin = pad ? (hi - lo) * 0.08 : 0;
        return (lo - margin, hi + margin);
    }

    private static double X(double v, double x0, double x1, bool _) => Left + (v - x0) / (x1 - x0) * (Width - Left - Right);

    private static double Y(double v, double y0, double y1) => Height - Bottom - (v - y0) / (y1 - y0) * (Height - Top - Bottom);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Format(double v, bool percent) => percent ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : Compact(v);

    private static string Compact(double v) => v switch
    {
        >= 1e6 => (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => v.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
