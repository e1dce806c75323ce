using LrePowerShell.Engine;
using LrePowerShell.Engine.Lre;
using LrePowerShell.Engine.Tokenization;
using static TorchSharp.torch;

namespace LrePowerShell.Bench.Workloads;

/// <summary>
/// Workload 3: one LRE Jacobian J = ∂o/∂h (d × d) on a 12-token prompt, h = block ℓ's output at token 6
/// (five tokens follow it), o = the last block's output at the last token. PyTorch: the paper's
/// torch.autograd.functional.jacobian(vectorize=True) over the blocks after ℓ; ours: JacobianEstimator
/// (prefix KV cache, resumed suffix, chunked batched VJPs), at its default chunk and at others.
/// </summary>
public static class JacobianWorkload
{
    public const int Tokens = 12, Subject = 6;

    public static void Run(BenchRun run, LanguageModel model)
    {
        var rng = new Random(2);
        long[] ids = Enumerable.Range(0, Tokens).Select(_ => (long)rng.Next(run.Shape.Vocab)).ToArray();
        var prompt = new SubjectPrompt("", "", ids.Select(i => new TokenPiece((int)i, "", 0, 0)).ToArray(), Subject);
        int layer = run.Shape.Layers / 2;

        Measured Ours(int chunk) => BenchRun.Ours(() =>
        {
            var s = JacobianEstimator.Compute(model, prompt, layer, chunk);
            return new[] { s.J, s.H, s.O }.Select(t => t.norm().to(ScalarType.Float64).item<double>()).ToArray();
        });

        int auto = JacobianEstimator.ChunkFor(model.Spec, model.DType, layer, Tokens - Subject);
        var (ours, torch, skip) = run.SideBySide(() => Ours(auto),
            () => run.Torch.Measure(new { op = "jacobian", ids, subject = Subject, layer }), run.Reps(3));
        run.Table.Time($"3. one Jacobian, d = {run.Shape.Hidden}, h at layer {layer}, {Tokens - 1 - Subject} tokens after the subject",
            ours, torch, "≤ 0.5", skip);

        foreach (int chunk in new[] { 64, 128, run.Shape.Hidden }.Where(c => c != auto && c <= run.Shape.Hidden).Distinct())
        {
            var (c, _, _) = run.SideBySide(() => Ours(chunk), null, run.Reps(3));
            run.Table.Time($"3b. same, {chunk} rows per backward pass (ours)", c, null, $"vs 3: {c.Median / ours.Median:0.00}×", "—");
        }
    }
}
