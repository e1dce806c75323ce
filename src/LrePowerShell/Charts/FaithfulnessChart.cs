using System.Globalization;

namespace LrePowerShell.Charts;

/// <summary>One Test-LreFaithfulness result, as a point of a faithfulness-against-layer chart.</summary>
internal sealed record FaithfulnessPoint(string Model, string Relation, string Method, double Beta, int Rank, int Layer,
    double Faithfulness, double Accuracy);

/// <summary>Faithfulness (and accuracy, dashed and lighter, in the same colour) against layer: one line per model,
/// relation, method, β and rank among the results, each labelled only by what tells it apart.</summary>
internal static class FaithfulnessChart
{
    public static ChartSpec Build(IReadOnlyList<FaithfulnessPoint> points, bool accuracy, string? title)
    {
        bool models = points.Select(p => p.Model).Distinct().Count() > 1;
        bool relations = points.Select(p => p.Relation).Distinct().Count() > 1;
        var lines = points
            .GroupBy(p => (p.Model, p.Relation, p.Method, p.Beta, p.Rank))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Relation, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.Beta).ThenBy(g => g.Key.Rank)
            .ToArray();
        var series = new List<ChartSeries>();
        for (int i = 0; i < lines.Length; i++)
        {
            var key = lines[i].Key;
            var sorted = lines[i].OrderBy(p => p.Layer).ToArray();
            string label = Label(key.Model, key.Relation, key.Method, key.Beta, key.Rank, models, relations);
            if (sorted.Select(p => p.Layer).Distinct().Count() != sorted.Length)
                throw ChartErrors.InputInvalid($"'{label}' has two results for one layer: give each series one result per layer " +
                    "(results that differ in something else, such as the test samples, belong in separate charts).");
            double[] x = sorted.Select(p => (double)p.Layer).ToArray();
            series.Add(new ChartSeries(accuracy ? $"{label}: faithfulness" : label, x, sorted.Select(p => p.Faithfulness).ToArray(), i));
            if (accuracy)
                series.Add(new ChartSeries($"{label}: accuracy", x, sorted.Select(p => p.Accuracy).ToArray(), i, Secondary: true));
        }
        string measure = accuracy ? "Faithfulness and accuracy" : "Faithfulness";
        string of = relations ? "" : $" of {points[0].Relation}";
        string on = models ? "" : $" on {points[0].Model}";
        return new ChartSpec(title ?? $"{measure}{of}{on}", "layer", accuracy ? "share of test samples" : "faithfulness", ChartYAxis.Share, series);
    }

    /// <summary>"Jacobian β=2", or with the relation and model in front where the chart has several.</summary>
    private static string Label(string model, string relation, string method, double beta, int rank, bool models, bool relations)
    {
        var parts = new List<string>();
        if (models) parts.Add(model);
        if (relations) parts.Add(relation);
        parts.Add(method);
        parts.Add("β=" + beta.ToString("0.###", CultureInfo.InvariantCulture));
        if (rank > 0) parts.Add($"rank {rank}");
        return string.Join(" ", parts);
    }
}
