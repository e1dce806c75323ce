using System.Globalization;
using System.Text;

namespace LrePowerShell.Bench;

/// <summary>One line of the table. Times are seconds (lower is better); <see cref="Ratio"/> is ours ÷ PyTorch.</summary>
public sealed record Row(string Workload, string Ours, string Torch, string Ratio, string Target, string Check);

/// <summary>The one table the suite prints (Markdown, so it pastes into the README), then notes.</summary>
public sealed class ResultTable
{
    private readonly List<Row> _rows = new();
    private readonly List<string> _notes = new();

    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public void Add(Row row) { _rows.Add(row); Console.Error.WriteLine($"   {row.Workload}: ours {row.Ours}, PyTorch {row.Torch}, ratio {row.Ratio} {row.Check}"); }
    public void Note(string line) { _notes.Add(line); Console.Error.WriteLine("   " + line); }

    /// <summary>A timed workload on both sides; <paramref name="torch"/> null = skipped (with <paramref name="skip"/>).</summary>
    public void Time(string workload, Timing ours, Timing? torch, string target, string skip = "skipped", double tolerance = 1e-3)
    {
        string check = torch is null || ours.Check.Length == 0 ? "" : Agreement(ours.Check, torch.Check, tolerance);
        Add(new Row(workload, Seconds(ours), torch is null ? skip : Seconds(torch),
            torch is null ? "" : (ours.Median / torch.Median).ToString("0.00", Inv), target, check));
    }

    public static string Seconds(Timing t) => t.Median.ToString(t.Median < 0.1 ? "0.0000" : "0.000", Inv) + " s";
    public static string Gb(long bytes) => (bytes / 1e9).ToString("0.00", Inv) + " GB";

    /// <summary>Whether the check values agree within <paramref name="tolerance"/> (relative to the largest).</summary>
    private static string Agreement(double[] ours, double[] torch, double tolerance)
    {
        double d = Timing.Disagreement(ours, torch);
        string shown = d.ToString("0.0e0", Inv);
        return double.IsNaN(d) ? "shapes differ" : d <= tolerance ? $"yes ({shown})" : $"NO ({shown})";
    }

    public string Render()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| workload | ours | PyTorch | ours ÷ PyTorch | target | same result |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in _rows) sb.AppendLine($"| {r.Workload} | {r.Ours} | {r.Torch} | {r.Ratio} | {r.Target} | {r.Check} |");
        sb.AppendLine();
        foreach (var n in _notes) sb.AppendLine("- " + n);
        return sb.ToString();
    }
}
