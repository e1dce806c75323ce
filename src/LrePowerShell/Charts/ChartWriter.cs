using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LrePowerShell.Charts;

/// <summary>Image formats Export-LreChart writes, chosen by the file's extension.</summary>
internal enum ChartFormat { Png, Svg }

/// <summary>Draws a <see cref="ChartSpec"/> with ScottPlot into a PNG or SVG file of a given size.</summary>
internal static class ChartWriter
{
    // ScottPlot asks for a sans-serif family, which SkiaSharp's fontconfig-free build resolves to the
    // first font file it finds (DejaVu Serif on Debian): name a sans family the machine has instead.
    private static readonly string FontName = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans" }
        .FirstOrDefault(f => Fonts.GetTypeface(f, bold: false, italic: false).FamilyName == f) ?? Fonts.Default;

    public static ChartFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ChartFormat.Png,
        ".svg" => ChartFormat.Svg,
        _ => null,
    };

    public static void Save(ChartSpec spec, string path, ChartFormat format, int width, int height)
    {
        using var plot = new Plot();
        plot.Font.Set(FontName);
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var s in spec.Series)
        {
            var color = palette.GetColor(s.Color);
            var line = plot.Add.Scatter(s.X, s.Y, s.Secondary ? color.WithOpacity(0.6) : color);
            line.LegendText = s.Label;
            line.LineWidth = 2;
            line.MarkerSize = s.X.Length > 50 ? 0 : 7;   // a spectrum of hundreds of values reads better as a plain line
            if (!s.Secondary) continue;
            line.MarkerShape = MarkerShape.OpenCircle;
            // Skia's SVG canvas has no dash effects: it would draw the line solid and print a complaint
            // to the console, so in SVG the hollow markers and the lighter colour tell the line apart
            if (format == ChartFormat.Png) line.LinePattern = LinePattern.Dashed;
        }
        plot.Title(spec.Title);
        plot.XLabel(spec.XLabel);
        plot.YLabel(spec.YLabel);
        if (spec.IntegerX)
            plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        if (spec.YAxis == ChartYAxis.Share)
        {
            plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = y => $"{y * 100:0} %" };
            plot.Axes.SetLimitsY(-0.02, 1.02);
        }
        else
        {
            // ScottPlot has no log axis: the data are log10 values, ticks at whole powers of ten
            plot.Axes.Left.TickGenerator = new NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new LogMinorTickGenerator(),
                LabelFormatter = PowerOfTen,
            };
        }
        plot.ShowLegend(Edge.Right);   // beside the data: many lines of a sweep would hide a legend inside
        if (format == ChartFormat.Png) plot.SavePng(path, width, height);
        else plot.SaveSvg(path, width, height);
    }

    /// <summary>The label of the tick at log10 value <paramref name="exponent"/>: 0.01 … 1000, or 1e-5.</summary>
    private static string PowerOfTen(double exponent) => Math.Abs(exponent) <= 3
        ? Math.Pow(10, exponent).ToString("0.###", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"1e{exponent:0}");
}
