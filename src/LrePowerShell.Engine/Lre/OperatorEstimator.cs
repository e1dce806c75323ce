using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Lre;

/// <summary>What New-LreOperator asks for.</summary>
public sealed record OperatorRequest
{
    public required Relation Relation { get; init; }
    public required int Layer { get; init; }
    public LreMethod Method { get; init; } = LreMethod.Jacobian;
    public double Beta { get; init; } = 1.0;
    public int Rank { get; init; }
    /// <summary>Examples before each prompt; null = all other training pairs (Jacobian) or 0 (Regression, as the seed).</summary>
    public int? FewShot { get; init; }
    public double TrainFraction { get; init; } = 0.6;
    public int? TrainCount { get; init; }
    public int Seed { get; init; } = 42;
    /// <summary>When set, every sample of <see cref="Relation"/> trains, in file order, and these are the test samples.</summary>
    public IReadOnlyList<RelationSample>? TestSamples { get; init; }
    /// <summary>Rows of J per backward pass; null: as many as <see cref="JacobianEstimator.ChunkFor"/> allows.</summary>
    public int? JacobianChunk { get; init; }
    /// <summary>Called after each training sample with (done, total).</summary>
    public Action<int, int>? Progress { get; init; }
}

/// <summary>Estimates an operator: the split, the prompts, then the method's estimator.</summary>
public static class OperatorEstimator
{
    public static LinearOperator Estimate(LanguageModel model, OperatorRequest request, CancellationToken cancel = default)
    {
        using var trim = HeapTrim.AfterOperation();
        model.ThrowIfDisposed();
        var rel = request.Relation;
        PromptTemplate.Check(rel.Template);
        var (train, test) = request.TestSamples is { } explicitTest
            ? (rel.Samples, explicitTest)
            : SampleSplit.Shuffled(rel.Samples, request.Seed, request.TrainFraction, request.TrainCount);
        SampleSplit.RequireTraining(train);
        if (request.Rank < 0 || request.Rank > model.Spec.HiddenSize)
            throw new LreException("RankOutOfRange", LreErrorKind.InvalidArgument, $"-Rank {request.Rank} is outside 0..{model.Spec.HiddenSize} (0 = full rank).");
        int? fewShot = request.FewShot ?? (request.Method == LreMethod.Jacobian ? null : 0);
        if (fewShot < 0) throw new LreException("FewShotOutOfRange", LreErrorKind.InvalidArgument, "-FewShot cannot be negative.");

        var (w, b) = request.Method == LreMethod.Jacobian
            ? Jacobian(model, request, train, fewShot, cancel)
            : Regression(model, request, train, fewShot, cancel);
        return new LinearOperator
        {
            Relation = rel.Name, Template = rel.Template, Layer = request.Layer, LayerName = model.Architecture.BlockName(request.Layer),
            Method = request.Method, Beta = request.Beta, Rank = request.Rank, FewShot = fewShot,
            Train = train, Test = test, Dim = model.Spec.HiddenSize, Weight = w, Bias = b,
            ModelFingerprint = model.Fingerprint, ModelName = Path.GetFileName(model.Path),
        };
    }

    /// <summary>W = mean J_i, b = mean (o_i − J_i h_i) over the training prompts.</summary>
    private static (float[], float[]) Jacobian(LanguageModel model, OperatorRequest r, IReadOnlyList<RelationSample> train, int? fewShot, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        int d = model.Spec.HiddenSize;
        var wSum = zeros(d, d, dtype: ScalarType.Float64);
        var bSum = zeros(d, dtype: ScalarType.Float64);
        for (int i = 0; i < train.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            using var sampleScope = NewDisposeScope();
            string prompt = FewShotPrompt.Build(model.Tokenizer, r.Relation.Template, FewShotPrompt.ForTraining(train, i, fewShot), train[i].Subject);
            var s = JacobianEstimator.Compute(model, SubjectPrompt.Make(model, prompt, train[i].Subject), r.Layer, r.JacobianChunk, cancel);
            var j = s.J.cpu().to(ScalarType.Float64);
            wSum.add_(j);
            bSum.add_(s.O.cpu().to(ScalarType.Float64) - j.matmul(s.H.cpu().to(ScalarType.Float64)));
            r.Progress?.Invoke(i + 1, train.Count);
        }
        return ((wSum / train.Count).to(ScalarType.Float32).data<float>().ToArray(), (bSum / train.Count).to(ScalarType.Float32).data<float>().ToArray());
    }

    /// <summary>The seed's regression: least squares from h onto the unembedding row of each object's first token.</summary>
    private static (float[], float[]) Regression(LanguageModel model, OperatorRequest r, IReadOnlyList<RelationSample> train, int? fewShot, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        var prompts = train.Select((t, i) => SubjectPrompt.Make(model,
            FewShotPrompt.Build(model.Tokenizer, r.Relation.Template, FewShotPrompt.ForTraining(train, i, fewShot), t.Subject), t.Subject)).ToArray();
        var h = PromptRun.Read(model, prompts, r.Layer, cancel: cancel).H.cpu();
        var unembedding = model.Decoder.Unembedding.cpu();
        var targets = unembedding.index_select(0, tensor(train.Select(t => (long)ObjectToken.FirstId(model, t.Object)).ToArray())).to(ScalarType.Float32);
        var (w, b) = OperatorMath.LeastSquares(h, targets);
        r.Progress?.Invoke(train.Count, train.Count);
        return (w.to(ScalarType.Float32).data<float>().ToArray(), b.to(ScalarType.Float32).data<float>().ToArray());
    }
}
