using System.Text.Json;

namespace LrePowerShell.Engine.Tests;

/// <summary>Reading the float64 goldens of ../shared and comparing with the README's tolerances.</summary>
public static class Golden
{
    public static JsonElement Load(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;

    public static double[] Vector(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    /// <summary>max|Δ| / max|ref| of one vector.</summary>
    public static double RelMax(IReadOnlyList<float> actual, IReadOnlyList<double> expected)
    {
        Assert.Equal(expected.Count, actual.Count);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        return maxDiff / Math.Max(maxRef, 1e-30);
    }

    /// <summary>Block outputs: max|Δ| ≤ tol · max|ref| of the vector.</summary>
    public static void BlockClose(IReadOnlyList<float> actual, IReadOnlyList<double> expected, double tol, string what)
    {
        double rel = RelMax(actual, expected);
        Assert.True(rel <= tol, $"{what}: max|Δ|/max|ref| = {rel:E2} > {tol:E1}");
    }

    /// <summary>Logits and norms: |Δ| ≤ abs + rel·|ref| elementwise.</summary>
    public static void ElementsClose(IReadOnlyList<float> actual, IReadOnlyList<double> expected, double abs, double rel, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            Assert.True(d <= abs + rel * Math.Abs(expected[i]), $"{what}[{i}]: {actual[i]} vs {expected[i]} (|Δ| {d:E2})");
        }
    }
}
