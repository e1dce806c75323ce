using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Lre;

/// <summary>One test sample: what the model and the operator predict after its prompt.</summary>
public sealed record FaithfulnessSample(string Subject, string Expected, int ModelTokenId, string ModelPrediction,
    int LreTokenId, string LrePrediction, bool Faithful, bool Correct, bool ModelCorrect);

/// <summary>One causality trial: the edit of <see cref="Subject"/> toward <see cref="Target"/> at a rank.</summary>
public sealed record CausalitySample(int Rank, string Subject, string Target, string TargetObject, string EditedPrediction, bool Succeeded);

/// <summary>Faithfulness and causality of an operator, as the paper measures them.</summary>
public static class LreEvaluation
{
    public static void CheckModel(LanguageModel model, LinearOperator op)
    {
        model.ThrowIfDisposed();
        if (op.ModelFingerprint != model.Fingerprint)
            throw new LreException("OperatorModelMismatch", LreErrorKind.InvalidArgument,
                $"This operator was estimated on model '{op.ModelName}' ({op.ModelFingerprint}), not on the model given ({model.Fingerprint}): an operator only means something on its own model.");
        if (op.Dim != model.Spec.HiddenSize || op.Layer >= model.Spec.LayerCount)
            throw new LreException("OperatorModelMismatch", LreErrorKind.InvalidArgument, "The operator's size or layer does not fit this model.");
    }

    /// <summary>The prompt of a test sample: the first FewShot training pairs as examples.</summary>
    public static SubjectPrompt TestPrompt(LanguageModel model, LinearOperator op, string subject) =>
        SubjectPrompt.Make(model, FewShotPrompt.Build(model.Tokenizer, op.Template, FewShotPrompt.ForTest(op.Train, op.FewShot), subject), subject);

    /// <summary>The operator's logits [N, V] for hidden states h [N, D]: Jacobian operators decode
    /// z = β·W·h + b through the final norm and head; regression operators score z against the
    /// unembedding rows (the seed's argmax of z·W_Uᵀ).</summary>
    public static Tensor Logits(LanguageModel model, LinearOperator op, Tensor h, double? beta = null)
    {
        var w = OperatorMath.Weight(op, model.Device, ScalarType.Float32);
        var b = OperatorMath.Bias(op, model.Device, ScalarType.Float32);
        var z = h.to(ScalarType.Float32, model.Device).matmul(w.t()) * (beta ?? op.Beta) + b;
        return op.Method == LreMethod.Jacobian
            ? model.Decoder.Logits(z.to(model.DType))
            : z.matmul(model.Decoder.Unembedding.to(ScalarType.Float32).t());
    }

    /// <summary>The model's and the operator's top-1 token on each test sample (default: the operator's
    /// held-out split). <paramref name="progress"/> gets (prompts done, prompts in all) after each batch.</summary>
    public static IReadOnlyList<FaithfulnessSample> Faithfulness(LanguageModel model, LinearOperator op,
        IReadOnlyList<RelationSample>? samples = null, CancellationToken cancel = default, Action<int, int>? progress = null)
    {
        using var trim = HeapTrim.AfterOperation();
        CheckModel(model, op);
        samples ??= op.Test;
        if (samples.Count == 0)
            throw new LreException("NoTestSamples", LreErrorKind.InvalidArgument, "The operator has no test samples: give -Data with samples to evaluate.");
        using var scope = NewDisposeScope();
        var prompts = samples.Select(s => TestPrompt(model, op, s.Subject)).ToArray();
        var read = PromptRun.Read(model, prompts, op.Layer, cancel: cancel, progress: done => progress?.Invoke(done, prompts.Length));
        long[] modelTop = read.Logits.argmax(-1).cpu().data<long>().ToArray();
        long[] lreTop = Logits(model, op, read.H).argmax(-1).cpu().data<long>().ToArray();
        return samples.Select((s, i) =>
        {
            string m = model.TokenText((int)modelTop[i]), l = model.TokenText((int)lreTop[i]);
            return new FaithfulnessSample(s.Subject, s.Object, (int)modelTop[i], m, (int)lreTop[i], l,
                modelTop[i] == lreTop[i], ObjectToken.PrefixMatches(l, s.Object), ObjectToken.PrefixMatches(m, s.Object));
        }).ToArray();
    }

    /// <summary>
    /// The paper's causality test: for each test subject s, a target t (the next test sample with
    /// another object), Δh = W⁺_r (o_t − o_s) with W⁺_r the rank-r pseudo-inverse of the unscaled W
    /// and o the last block's output at the last token; h_s + Δh is patched in at (layer, subject's
    /// last token) and the edit succeeds when the model now predicts t's object (prefix rule).
    /// <paramref name="progress"/> gets (prompts run, prompts to run) after each batch: one pass over the
    /// test prompts, then one over the edited prompts per rank.
    /// </summary>
    public static IReadOnlyList<CausalitySample> Causality(LanguageModel model, LinearOperator op, IReadOnlyList<int> ranks,
        CancellationToken cancel = default, Action<int, int>? progress = null)
    {
        using var trim = HeapTrim.AfterOperation();
        CheckModel(model, op);
        var test = op.Test;
        var pairs = test.Select((s, i) => (Source: i, Target: Enumerable.Range(1, test.Count - 1).Select(k => (i + k) % test.Count)
            .FirstOrDefault(k => !string.Equals(test[k].Object, s.Object, StringComparison.OrdinalIgnoreCase), -1)))
            .Where(p => p.Target >= 0).ToArray();
        if (pairs.Length == 0)
            throw new LreException("NoCausalityPairs", LreErrorKind.InvalidArgument, "Causality needs test samples with at least two different objects.");
        using var scope = NewDisposeScope();
        var prompts = pairs.Select(p => TestPrompt(model, op, test[p.Source].Subject)).ToArray();
        int total = test.Count + pairs.Length * ranks.Count;
        var o = PromptRun.Read(model, test.Select(s => TestPrompt(model, op, s.Subject)).ToArray(), op.Layer, cancel: cancel,
            progress: done => progress?.Invoke(done, total)).O.cpu().to(ScalarType.Float64);
        var w = tensor(op.Weight, new long[] { op.Dim, op.Dim });
        var results = new List<CausalitySample>();
        for (int k = 0; k < ranks.Count; k++)
        {
            int rank = ranks[k], before = test.Count + k * pairs.Length;
            if (rank < 0 || rank > op.Dim)
                throw new LreException("RankOutOfRange", LreErrorKind.InvalidArgument, $"Rank {rank} is outside 0..{op.Dim} (0 = full rank).");
            cancel.ThrowIfCancellationRequested();
            using var rankScope = NewDisposeScope();
            var pinv = OperatorMath.LowRankPinv(w, rank);
            var deltas = pairs.Select(p => pinv.matmul(o[p.Target] - o[p.Source]).to(ScalarType.Float32)).ToArray();
            var edited = PromptRun.Read(model, prompts, op.Layer, deltas, cancel, done => progress?.Invoke(before + done, total))
                .Logits.argmax(-1).cpu().data<long>().ToArray();
            for (int p = 0; p < pairs.Length; p++)
            {
                var (src, tgt) = (test[pairs[p].Source], test[pairs[p].Target]);
                string pred = model.TokenText((int)edited[p]);
                results.Add(new CausalitySample(rank, src.Subject, tgt.Subject, tgt.Object, pred, ObjectToken.PrefixMatches(pred, tgt.Object)));
            }
        }
        return results;
    }
}
