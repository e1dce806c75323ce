using LrePowerShell.Engine;

namespace LrePowerShell.Bench.Workloads;

/// <summary>Workload 6: workload 1's forward in bfloat16 and float16 on the CPU (the fp32 file converted
/// at load), against fp32. Both sides agree only to the low precision's rounding.</summary>
public static class PrecisionWorkload
{
    public static void Run(BenchRun run, string folder, Timing fp32)
    {
        var ids = ForwardWorkload.Ids(run.Shape.Vocab);
        foreach (var (dtype, torchDType) in new[] { ("bfloat16", "bfloat16"), ("float16", "float16") })
        {
            using var model = LanguageModel.Load(folder, new LoadOptions(DType: dtype));
            if (run.Torch.Available) run.Torch.Request(new { op = "load_model", folder, dtype = torchDType });
            var (ours, torch, skip) = run.SideBySide(() => ForwardWorkload.Ours(model, ids), () => ForwardWorkload.Torch(run, ids), run.Reps(3));
            run.Table.Time($"6. forward as 1, {dtype}", ours, torch, $"ours vs fp32: {ours.Median / fp32.Median:0.00}×", skip, tolerance: 0.05);
        }
        if (run.Torch.Available) run.Torch.Request(new { op = "load_model", folder, dtype = "float32" });
    }
}
