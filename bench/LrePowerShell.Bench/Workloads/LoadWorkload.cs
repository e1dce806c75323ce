using System.Diagnostics;
using System.Text.Json;
using LrePowerShell.Engine;
using LrePowerShell.Engine.Native;
using static TorchSharp.torch;

namespace LrePowerShell.Bench.Workloads;

/// <summary>
/// Workload 5: loading a GPT-2-XL-shaped fp32 safetensors file (1.56 B parameters, 6.2 GB), each load
/// in a fresh process so its peak RSS is its own: wall time and peak RSS against the file size and
/// against reading the file from the page cache. Ours maps the file (nothing is read until used), so
/// it is also timed with one forward pass after it, which touches every weight; and loaded as
/// bfloat16, the conversion path. PyTorch reads the file into fresh tensors (one copy, as torch.load
/// reads a checkpoint). Skipped in short mode.
/// </summary>
public static class LoadWorkload
{
    public static void Run(BenchRun run)
    {
        Console.Error.WriteLine($"   writing (once) a {Gpt2Shape.Xl.Name}-shaped fp32 file into {run.WorkDir} …");
        string folder = RandomGpt2.Ensure(run.WorkDir, Gpt2Shape.Xl);
        string file = Path.Combine(folder, "model.safetensors");
        long size = new FileInfo(file).Length;
        ReadFile(file);                                             // into the page cache
        var read = Enumerable.Range(0, 3).Select(_ => ReadFile(file)).Order().ElementAt(1);

        // each probe starts from a page cache that holds the file, as the page-cache read did: a cold
        // read from this machine's disk takes ~14 s and would measure the disk, not the loader
        LoadProbe Probe(string dtype)
        {
            ReadFile(file);
            return JsonSerializer.Deserialize<LoadProbe>(ChildProbe.Self(new[] { "--probe-load", folder, dtype }, run.Threads).ToJsonString())!;
        }
        var fp32 = Probe("float32");
        var bf16 = Probe("bfloat16");
        double? torchSeconds = null; long torchPeak = 0;
        string skip = run.Torch.Available ? "" : "skipped (no PyTorch, see above)";
        if (run.Torch.Available)
        {
            ReadFile(file);
            var t = ChildProbe.Run(run.Torch.Python, new[] { run.Torch.Script, "--load", file }, run.Threads);
            torchSeconds = t["seconds"]!.GetValue<double>();
            torchPeak = t["peak_rss"]!.GetValue<long>();
        }
        var inv = ResultTable.Inv;
        string xl = $"{Gpt2Shape.Xl.Name} fp32 ({Gpt2Shape.Xl.Parameters / 1e9:0.00} B params, {ResultTable.Gb(size)})";
        run.Table.Add(new Row($"5a. load {xl}: wall", $"{fp32.LoadSeconds:0.000} s", torchSeconds is { } ts ? $"{ts:0.000} s" : skip,
            torchSeconds is { } r ? (fp32.LoadSeconds / r).ToString("0.00", inv) : "", $"≤ 1.5 × page-cache read ({read:0.00} s): {fp32.LoadSeconds / read:0.00}×", ""));
        run.Table.Add(new Row($"5b. same: peak RSS", ResultTable.Gb(fp32.PeakAfterLoad), torchSeconds is null ? skip : ResultTable.Gb(torchPeak),
            torchSeconds is null ? "" : ((double)fp32.PeakAfterLoad / torchPeak).ToString("0.00", inv), $"≤ 1.15 × file: {(double)fp32.PeakAfterLoad / size:0.00}×", ""));
        run.Table.Add(new Row($"5c. same + one 16-token forward (every weight paged in)", $"{fp32.LoadSeconds + fp32.ForwardSeconds:0.000} s, peak {ResultTable.Gb(fp32.PeakAfterForward)}",
            "—", "", $"{(fp32.LoadSeconds + fp32.ForwardSeconds) / read:0.00}× page-cache read; peak {(double)fp32.PeakAfterForward / size:0.00}× file", ""));
        run.Table.Add(new Row($"5d. load the same file as bfloat16 (converted)", $"{bf16.LoadSeconds:0.000} s, peak {ResultTable.Gb(bf16.PeakAfterLoad)}",
            "—", "", $"peak {(double)bf16.PeakAfterLoad / (size / 2):0.00}× the bf16 weights ({ResultTable.Gb(size / 2)})", ""));
        run.Table.Note($"Load: the process alone (runtime + libtorch) is {ResultTable.Gb(fp32.BaseRss)} resident before loading; page-cache read of the {ResultTable.Gb(size)} file: {read:0.00} s ({size / read / 1e9:0.0} GB/s).");
    }

    /// <summary>Reads the whole file (16 MiB at a time); seconds.</summary>
    private static double ReadFile(string path)
    {
        var buffer = new byte[16 << 20];
        var sw = Stopwatch.StartNew();
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        while (fs.Read(buffer, 0, buffer.Length) > 0) { }
        return sw.Elapsed.TotalSeconds;
    }

    public sealed record LoadProbe(double LoadSeconds, long PeakAfterLoad, double ForwardSeconds, long PeakAfterForward, long BaseRss);

    /// <summary>The child process: load <paramref name="folder"/> as <paramref name="dtype"/>, run one
    /// 16-token prompt, print a <see cref="LoadProbe"/>.</summary>
    public static void Probe(string folder, string dtype)
    {
        TorchRuntime.EnsureLoaded();
        using (var warm = ones(8)) warm.sum().Dispose();           // libtorch's own start-up is not the load's
        long baseRss = ProcessMemory.Rss;
        var sw = Stopwatch.StartNew();
        using var model = LanguageModel.Load(folder, new LoadOptions(DType: dtype));
        double load = sw.Elapsed.TotalSeconds;
        long peakLoad = ProcessMemory.PeakRss;
        sw.Restart();
        using (var scope = NewDisposeScope())
        using (no_grad())
            model.Decoder.Forward(arange(16, dtype: ScalarType.Int64).unsqueeze(0), new() { LastPositionOnly = true });
        double forward = sw.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new LoadProbe(load, peakLoad, forward, ProcessMemory.PeakRss, baseRss)));
    }
}
