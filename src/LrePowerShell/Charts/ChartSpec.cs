namespace LrePowerShell.Charts;

/// <summary>How the y axis of a chart reads.</summary>
internal enum ChartYAxis
{
    /// <summary>A share from 0 to 1, labelled in percent (faithfulness, accuracy).</summary>
    Share,
    /// <summary>Positive values on a log₁₀ scale (a singular-value spectrum).</summary>
    Log10,
}

/// <summary>One line of a chart. Lines with the same <see cref="Color"/> belong together: a faithfulness
/// line and its <see cref="Secondary"/> accuracy line, drawn lighter, dashed, with hollow markers.</summary>
internal sealed record ChartSeries(string Label, double[] X, double[] Y, int Color, bool Secondary = false);

/// <summary>A chart to draw, independent of the library that draws it.</summary>
internal sealed record ChartSpec(string Title, string XLabel, string YLabel, ChartYAxis YAxis, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Whether every x is a whole number (layers), so the x axis gets whole-number ticks.</summary>
    public bool IntegerX => Series.All(s => s.X.All(x => x == Math.Floor(x)));
}
