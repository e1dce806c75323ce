using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Lre;

/// <summary>Train/test splits: the seed's (Python <c>random.seed(seed); random.shuffle</c>, then the
/// first <c>int(n · fraction)</c> train) or the paper's (a fixed number of training pairs).</summary>
public static class SampleSplit
{
    public static (IReadOnlyList<RelationSample> Train, IReadOnlyList<RelationSample> Test) Shuffled(
        IReadOnlyList<RelationSample> samples, int seed, double trainFraction, int? trainCount)
    {
        if (trainCount is null && (trainFraction <= 0 || trainFraction >= 1))
            throw new LreException("TrainFractionOutOfRange", LreErrorKind.InvalidArgument, $"-TrainFraction {trainFraction} must lie strictly between 0 and 1.");
        var shuffled = samples.ToList();
        new PythonRandom(seed).Shuffle(shuffled);
        int n = trainCount ?? (int)Math.Floor(shuffled.Count * trainFraction);
        if (trainCount is { } c && (c < 0 || c > shuffled.Count))
            throw new LreException("TrainCountOutOfRange", LreErrorKind.InvalidArgument, $"-TrainCount {c} is outside 0..{shuffled.Count}, the number of samples.");
        return (shuffled.Take(n).ToArray(), shuffled.Skip(n).ToArray());
    }

    /// <summary>The estimators need at least two training pairs: one is no relation.</summary>
    public static void RequireTraining(IReadOnlyList<RelationSample> train)
    {
        if (train.Count < 2)
            throw new LreException("TooFewTrainingSamples", LreErrorKind.InvalidArgument,
                $"Only {train.Count} training sample(s): an operator needs at least 2. Use more data, a larger -TrainFraction or -TrainCount.");
    }
}
