using LrePowerShell.Engine;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Bench.Workloads;

/// <summary>
/// Workload 4: New-LreOperator -Method Jacobian + Test-LreFaithfulness on the seed's 38-sample relation,
/// engine-level (OperatorEstimator.Estimate + LreEvaluation.Faithfulness), in the paper's few-shot
/// setting: -TrainCount 8 (seed 42), each training prompt listing the other 7 pairs, the 30 test
/// prompts listing all 8. PyTorch gets the same token ids and subject positions and does the same
/// with autograd.functional.jacobian per training prompt and one padded batch for the test prompts.
/// </summary>
public static class OperatorWorkload
{
    public const int TrainCount = 8;

    public static OperatorRequest Request(Relation rel, int layer) => new() { Relation = rel, Layer = layer, TrainCount = TrainCount };

    /// <summary>Estimate + faithfulness once; returns ‖W‖, ‖b‖ and the faithful count.</summary>
    public static double[] EstimateAndTest(LanguageModel model, OperatorRequest request)
    {
        var op = OperatorEstimator.Estimate(model, request);
        var faithful = LreEvaluation.Faithfulness(model, op).Count(s => s.Faithful);
        return new[] { Norm(op.Weight), Norm(op.Bias), faithful };
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    public static void Run(BenchRun run, LanguageModel model)
    {
        var rel = SeedRelation.Load();
        int layer = run.Shape.Layers / 2;
        var request = Request(rel, layer);
        var (train, test) = SampleSplit.Shuffled(rel.Samples, request.Seed, request.TrainFraction, request.TrainCount);
        object Prompt(string text, string subject)
        {
            var p = SubjectPrompt.Make(model, text, subject);
            return new { ids = p.Tokens.Select(t => t.Id).ToArray(), subject = p.SubjectIndex };
        }
        var torchRequest = new
        {
            op = "operator", layer, beta = request.Beta,
            train = train.Select((s, i) => Prompt(FewShotPrompt.Build(model.Tokenizer, rel.Template, FewShotPrompt.ForTraining(train, i, null), s.Subject), s.Subject)).ToArray(),
            test = test.Select(s => Prompt(FewShotPrompt.Build(model.Tokenizer, rel.Template, FewShotPrompt.ForTest(train, null), s.Subject), s.Subject)).ToArray(),
        };
        double[]? ourCheck = null, torchCheck = null;
        var (ours, torch, skip) = run.SideBySide(
            () => { var m = BenchRun.Ours(() => EstimateAndTest(model, request)); ourCheck = m.Check; return m with { Check = m.Check[..2] }; },
            () =>
            {
                var r = run.Torch.Request(torchRequest);
                torchCheck = new[] { r["check"]![0]!.GetValue<double>(), r["check"]![1]!.GetValue<double>(), r["faithful"]!.GetValue<double>() };
                return new Measured(r["seconds"]!.GetValue<double>(), torchCheck[..2]);
            },
            reps: 1, warmUp: false);                 // minutes on the PyTorch side; ours already ran this model in 1-3
        run.Table.Time($"4. New-LreOperator -Method Jacobian + Test-LreFaithfulness, {rel.Samples.Count} samples, TrainCount {TrainCount}, layer {layer}",
            ours, torch, "", skip);
        run.Table.Note($"Operator ({rel.Samples.Count} samples, {train.Count} train / {test.Count} test, few-shot prompts): faithful on {ourCheck![2]:0}/{test.Count} test prompts (ours)" +
            (torchCheck is null ? "." : $", {torchCheck[2]:0}/{test.Count} (PyTorch)."));
    }
}
