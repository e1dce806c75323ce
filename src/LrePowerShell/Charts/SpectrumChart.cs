namespace LrePowerShell.Charts;

/// <summary>The singular values of one operator's W, largest first.</summary>
internal sealed record OperatorSpectrum(string Model, string Relation, int Layer, string Method, double[] SingularValues);

/// <summary>Singular values of W against their index on a log scale, one line per operator: how close to
/// low rank a relation's operator is (the seed's eigenvalue plots).</summary>
internal static class SpectrumChart
{
    /// <summary>The chart, and the labels of operators left out because their W is zero (nothing to show on a log scale).</summary>
    public static (ChartSpec Chart, IReadOnlyList<string> Empty) Build(IReadOnlyList<OperatorSpectrum> spectra, string? title)
    {
        bool models = spectra.Select(s => s.Model).Distinct().Count() > 1;
        bool relations = spectra.Select(s => s.Relation).Distinct().Count() > 1;
        var series = new List<ChartSeries>();
        var empty = new List<string>();
        foreach (var s in spectra)
        {
            string label = string.Join(" ", new[] { models ? s.Model : null, relations ? s.Relation : null, $"layer {s.Layer}", s.Method }.OfType<string>());
            // zeros (an operator at the last block, where ∂o/∂h = 0) have no logarithm
            var kept = s.SingularValues.Select((v, i) => (Index: i + 1.0, Value: v)).Where(p => p.Value > 0).ToArray();
            if (kept.Length == 0) { empty.Add(label); continue; }
            series.Add(new ChartSeries(label, kept.Select(p => p.Index).ToArray(), kept.Select(p => Math.Log10(p.Value)).ToArray(), series.Count));
        }
        if (series.Count == 0)
            throw ChartErrors.InputInvalid("Every operator given has W = 0 (all singular values are zero): there is no spectrum to draw.");
        string of = relations ? "" : $" of {spectra[0].Relation}";
        string on = models ? "" : $" on {spectra[0].Model}";
        return (new ChartSpec(title ?? $"Singular values of W{of}{on}", "index", "singular value", ChartYAxis.Log10, series), empty);
    }
}
