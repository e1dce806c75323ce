using System.Diagnostics;
using LrePowerShell.Engine.Modeling;
using LrePowerShell.Trainer.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LrePowerShell.Trainer.Training;

/// <summary>Optimisation settings. The learning rate warms up linearly, then follows a cosine down to
/// <see cref="MinLearningRate"/> at the last step.</summary>
internal sealed record TrainingSettings(
    int Steps, int BatchSize, int SequenceLength,
    double LearningRate, double MinLearningRate, int WarmupSteps,
    double WeightDecay, double GradientClip)
{
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, Steps - 1 - WarmupSteps);
        return MinLearningRate + 0.5 * (LearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }
}

internal sealed record TrainingResult(int Steps, long Tokens, double FinalLoss, TimeSpan Elapsed);

/// <summary>
/// Next-token cross-entropy through the engine's <see cref="Decoder"/> with AdamW (β = 0.9, 0.95; weight
/// decay on matrices and embeddings only) and gradient-norm clipping. Each step runs in its own
/// DisposeScope, so memory stays flat however long it trains.
/// </summary>
internal static class TrainingLoop
{
    public static TrainingResult Run(Gpt2Parameters parameters, Decoder decoder, RowSampler rows, TrainingSettings s, Action<int, double, double> report)
    {
        var all = parameters.Named.Select(p => p.Value).ToArray();
        using var optimizer = optim.AdamW(new[]
        {
            new AdamW.ParamGroup(parameters.Decayed, s.LearningRate, 0.9, 0.95, 1e-8, s.WeightDecay),
            new AdamW.ParamGroup(parameters.NotDecayed, s.LearningRate, 0.9, 0.95, 1e-8, 0.0),
        });
        int vocab = parameters.Shape.VocabSize;
        var clock = Stopwatch.StartNew();
        var recent = new Queue<double>();
        for (int step = 0; step < s.Steps; step++)
        {
            using var scope = NewDisposeScope();
            double lr = s.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

            var batch = rows.NextBatch(s.BatchSize);
            var inputs = batch.narrow(1, 0, s.SequenceLength);
            var targets = batch.narrow(1, 1, s.SequenceLength);
            var logits = decoder.Forward(inputs)!;
            var loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1));

            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(all, s.GradientClip);
            optimizer.step();

            double value = loss.item<float>();
            recent.Enqueue(value);
            if (recent.Count > 20) recent.Dequeue();
            report(step, value, lr);
        }
        return new TrainingResult(s.Steps, (long)s.Steps * s.BatchSize * s.SequenceLength, recent.Average(), clock.Elapsed);
    }
}
