using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LrePowerShell.Bench;

/// <summary>Runs a measurement in a fresh process (this program with --probe-…, or torch_side.py),
/// so its peak RSS is its own, and reads the one JSON line it prints.</summary>
public static class ChildProbe
{
    public static JsonNode Run(string file, IEnumerable<string> args, int threads)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (p.ExitCode != 0 || line is null || !line.StartsWith('{'))
            throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
        return JsonNode.Parse(line)!;
    }

    /// <summary>This program's own command line for a probe (the apphost, or dotnet + the dll).</summary>
    public static JsonNode Self(IEnumerable<string> args, int threads)
    {
        string exe = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(exe) == "dotnet" ? new[] { typeof(ChildProbe).Assembly.Location } : Array.Empty<string>();
        return Run(exe, prefix.Concat(args), threads);
    }
}
