namespace LrePowerShell.Bench;

/// <summary>One repetition: the seconds it took inside its own process, and a few numbers that must
/// agree between the two sides (they computed the same thing on the same weights).</summary>
public sealed record Measured(double Seconds, double[] Check)
{
    public static Measured Time(Func<double[]> work)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var check = work();
        return new Measured(sw.Elapsed.TotalSeconds, check);
    }
}

/// <summary>The median of several repetitions and the check values of the last.</summary>
public sealed record Timing(double Median, int Repetitions, double[] Check)
{
    public static Timing Of(IReadOnlyList<Measured> runs)
    {
        var s = runs.Select(r => r.Seconds).Order().ToArray();
        double median = s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        return new Timing(median, runs.Count, runs[^1].Check);
    }

    /// <summary>Largest difference between two check vectors relative to the largest value (NaN when the
    /// vectors do not line up).</summary>
    public static double Disagreement(double[] a, double[] b)
    {
        if (a.Length != b.Length || a.Length == 0) return double.NaN;
        double scale = Math.Max(a.Max(Math.Abs), 1e-12);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max() / scale;
    }
}
