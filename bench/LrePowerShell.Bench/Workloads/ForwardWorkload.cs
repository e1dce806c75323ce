using LrePowerShell.Engine;
using LrePowerShell.Engine.Modeling;
using static TorchSharp.torch;

namespace LrePowerShell.Bench.Workloads;

/// <summary>Workload 1: a batched forward pass, 64 prompts × 16 tokens, logits at every position (what
/// PyTorch's model(ids) returns), plus ours with logits only at the last position and on one thread.</summary>
public static class ForwardWorkload
{
    public const int Batch = 64, Tokens = 16;

    /// <summary>The fixed random prompts both sides run.</summary>
    public static long[,] Ids(int vocab)
    {
        var rng = new Random(1);
        var ids = new long[Batch, Tokens];
        for (int b = 0; b < Batch; b++) for (int t = 0; t < Tokens; t++) ids[b, t] = rng.Next(vocab);
        return ids;
    }

    public static Measured Ours(LanguageModel model, long[,] ids, bool lastOnly = false) => BenchRun.Ours(() =>
    {
        var input = tensor(ids);
        Tensor logits;
        using (no_grad()) logits = model.Decoder.Forward(input, new ForwardOptions { LastPositionOnly = lastOnly })!;
        return logits.select(1, -1).norm(-1).to(ScalarType.Float64).data<double>().ToArray();
    });

    public static Measured Torch(BenchRun run, long[,] ids) =>
        run.Torch.Measure(new { op = "forward", ids = Rows(ids) });

    public static long[][] Rows(long[,] ids) =>
        Enumerable.Range(0, ids.GetLength(0)).Select(b => Enumerable.Range(0, ids.GetLength(1)).Select(t => ids[b, t]).ToArray()).ToArray();

    /// <summary>Returns our fp32 forward time (workload 6 compares with it).</summary>
    public static Timing Run(BenchRun run, LanguageModel model)
    {
        var ids = Ids(run.Shape.Vocab);
        string name = $"1. forward {run.Shape.Name} {Batch}×{Tokens}, batched";
        var (ours, torch, skip) = run.SideBySide(() => Ours(model, ids), () => Torch(run, ids), run.Reps(5));
        run.Table.Time(name, ours, torch, "≤ 1.0 (goal 0.8)", skip);

        double flops = run.Shape.ForwardFlops(Batch, Tokens, Tokens);
        double rate = flops / ours.Median / 1e9;
        run.Table.Note($"Forward FLOPs ({name}): {flops / 1e9:0.0} GFLOP → ours {rate:0.0} GFLOP/s = {100 * rate / run.MachineGflops:0} % of the machine's " +
                       $"{run.MachineGflops:0.0} GFLOP/s (target ≥ 50 %)" +
                       (torch is null ? "" : $"; PyTorch {flops / torch.Median / 1e9:0.0} GFLOP/s = {100 * flops / torch.Median / 1e9 / run.MachineGflops:0} %."));

        var (last, _, _) = run.SideBySide(() => Ours(model, ids, lastOnly: true), null, run.Reps(5));
        run.Table.Time($"1b. same, logits at the last position only (ours: LastPositionOnly)", last, null, $"vs 1: {last.Median / ours.Median:0.00}×", "—");

        int threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        var (one, _, _) = run.SideBySide(() => Ours(model, ids), null, run.Reps(3));
        TorchSharp.torch.set_num_threads(threads);
        run.Table.Time($"1c. same as 1 on 1 thread (ours)", one, null, $"{threads} threads buy {one.Median / ours.Median:0.00}×", "—");
        return ours;
    }
}
