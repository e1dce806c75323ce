using LrePowerShell.Engine;
using LrePowerShell.Engine.Lre;
using LrePowerShell.Engine.Modeling;
using static TorchSharp.torch;

namespace LrePowerShell.Bench.Workloads;

/// <summary>
/// Workload 2: block ℓ's output at the last token of the 38 seed prompts. Batched: one left-padded
/// pass per 16 prompts that stops after block ℓ (Get-LreHiddenState). The seed's loop: one prompt at
/// a time through the whole model, logits included (output_hidden_states=True). Ours is timed both
/// ways, and one prompt at a time with the early stop, to show what each of the two buys.
/// </summary>
public static class HiddenStateWorkload
{
    public static void Run(BenchRun run, LanguageModel model)
    {
        var rel = SeedRelation.Load();
        var prompts = rel.Samples.Select(s => PromptTemplate.Format(rel.Template, s.Subject)).ToArray();
        var ids = prompts.Select(p => model.Tokenize(p).Select(t => (long)t.Id).ToArray()).ToArray();
        int layer = run.Shape.Layers / 2;
        string what = $"{prompts.Length} prompts, layer {layer}";

        double[] Norms(IEnumerable<float[]> vectors) => vectors.Select(v => Math.Sqrt(v.Sum(x => (double)x * x))).ToArray();

        var (batched, torchBatched, skip) = run.SideBySide(
            () => BenchRun.Ours(() => Norms(model.HiddenStates(prompts, new[] { layer }, PositionSelector.Last).Select(r => r.Vector))),
            () => run.Torch.Measure(new { op = "hidden_batched", prompts = ids, layer }),
            run.Reps(5));
        run.Table.Time($"2a. hidden states, {what}: batched, padded, stop after block {layer}", batched, torchBatched, "", skip);

        var (loop, torchLoop, skip2) = run.SideBySide(
            () => BenchRun.Ours(() => ids.Select(row =>
            {
                using var hooks = new ResidualHooks().Capture(layer);
                using (no_grad()) model.Decoder.Forward(tensor(row, new long[] { 1, row.Length }), new ForwardOptions { Hooks = hooks });
                var h = hooks.Captured(layer)[0, -1];
                return h.norm().to(ScalarType.Float64).item<double>();
            }).ToArray()),
            () => run.Torch.Measure(new { op = "hidden_loop", prompts = ids, layer }),
            run.Reps(3));
        run.Table.Time($"2b. same, one prompt at a time through the whole model (the seed's loop)", loop, torchLoop, "", skip2);

        var (loopStop, _, _) = run.SideBySide(
            () => BenchRun.Ours(() => Norms(prompts.Select(p => model.HiddenStates(new[] { p }, new[] { layer }, PositionSelector.Last)[0].Vector))),
            null, run.Reps(3));
        run.Table.Time($"2c. same, one prompt at a time, stop after block {layer} (ours)", loopStop, null, "—", "—");

        run.Table.Note($"Hidden states ({what}): batching + early stop make ours {loop.Median / batched.Median:0.0}× faster than our seed-style loop " +
            $"(early stop alone {loop.Median / loopStop.Median:0.0}×, batching alone {loopStop.Median / batched.Median:0.0}×)" +
            (torchLoop is null ? "" : $", {torchLoop.Median / batched.Median:0.0}× faster than the seed's loop in PyTorch") + " (target ≥ 4×).");
    }
}
