using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LrePowerShell.Bench;

/// <summary>
/// The PyTorch side: bench/torch_side.py in a long-lived python3 process that answers one JSON request
/// per line, so our repetitions and PyTorch's alternate in one run (the machines are shared; drifting
/// load then hits both sides alike). When python3 or its torch module is missing the side is
/// <see cref="Available"/> = false with the reason, and the table shows it as skipped.
/// </summary>
public sealed class TorchSide : IDisposable
{
    public const string Packages = "python3-torch libopenblas0-pthread";
    private readonly Process? _process;
    private readonly StringBuilder _stderr = new();

    public bool Available => _process is not null;
    public string Reason { get; } = "";
    public string Version { get; } = "";
    public int Threads { get; }
    public string Python { get; }
    public string Script { get; }

    public TorchSide(string python, string script, int threads)
    {
        Python = python; Script = script;
        if (!File.Exists(script)) { Reason = $"{script} not found"; return; }
        try
        {
            var psi = new ProcessStartInfo(python, new[] { script })
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.Environment["OMP_NUM_THREADS"] = threads.ToString();
            _process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Reason = $"{python} not found (Debian: apt-get install -y {Packages})";
            return;
        }
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        string? first = _process.StandardOutput.ReadLine();
        if (first is null || !first.StartsWith('{'))
        {
            _process.WaitForExit(5000);
            string err = StderrTail();
            Reason = err.Contains("No module named 'torch'")
                ? $"python3-torch is not installed (Debian: apt-get install -y {Packages})"
                : $"{python} {script} did not start: {err}";
            _process.Dispose();
            _process = null;
            return;
        }
        Version = JsonNode.Parse(first)!["torch"]!.GetValue<string>();
        Threads = Request(new { op = "threads", threads })["threads"]!.GetValue<int>();
    }

    /// <summary>Sends one request and returns its answer; an error on the Python side becomes an exception.</summary>
    public JsonNode Request(object request)
    {
        if (_process is null) throw new InvalidOperationException(Reason);
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"torch_side.py ended: {StderrTail()}");
        var node = JsonNode.Parse(line)!;
        if (node["error"] is { } e) throw new TorchSideException(e.GetValue<string>());
        return node;
    }

    /// <summary>A request that does the timed work: its seconds and check values.</summary>
    public Measured Measure(object request)
    {
        var r = Request(request);
        return new Measured(r["seconds"]!.GetValue<double>(), r["check"]?.AsArray().Select(x => x!.GetValue<double>()).ToArray() ?? Array.Empty<double>());
    }

    private string StderrTail()
    {
        lock (_stderr)
        {
            var s = _stderr.ToString().Trim();
            return s.Length > 400 ? s[^400..] : s;
        }
    }

    public void Dispose()
    {
        if (_process is null) return;
        try { _process.StandardInput.Close(); _process.WaitForExit(10_000); }
        finally { _process.Dispose(); }
    }
}

public sealed class TorchSideException(string message) : Exception(message);
