using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Lre;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Lre;

/// <summary>Properties of the estimators and the operator file that the goldens do not pin down.</summary>
public sealed class OperatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lre-op-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly Relation Cities = new("city country", new[] { "The city of {} is located in the country of" }, new[]
    {
        new RelationSample("Paris", "France"), new RelationSample("Berlin", "Germany"), new RelationSample("Rome", "Italy"),
        new RelationSample("Madrid", "Spain"), new RelationSample("Tokyo", "Japan"), new RelationSample("Cairo", "Egypt"),
        new RelationSample("Lima", "Peru"), new RelationSample("Oslo", "Norway"), new RelationSample("Dublin", "Ireland"),
        new RelationSample("Ottawa", "Canada"),
    });

    [SharedFact]
    public void Regression_fits_its_training_pairs_exactly_when_underdetermined()
    {
        using var model = LanguageModel.Load(SharedData.Fixture("gpt2"));
        var op = OperatorEstimator.Estimate(model, new OperatorRequest { Relation = Cities, Layer = 2, Method = LreMethod.Regression });
        Assert.Equal(0, op.FewShot);
        Assert.Equal(6, op.Train.Count);   // int(10 × 0.6)
        using var scope = NewDisposeScope();
        var prompts = op.Train.Select(s => LreEvaluation.TestPrompt(model, op, s.Subject)).ToArray();
        var h = PromptRun.Read(model, prompts, op.Layer).H;
        var z = h.matmul(OperatorMath.Weight(op, CPU, ScalarType.Float32).t()) + OperatorMath.Bias(op, CPU, ScalarType.Float32);
        var targets = model.Decoder.Unembedding.index_select(0, tensor(op.Train.Select(s => (long)ObjectToken.FirstId(model, s.Object)).ToArray()));
        Assert.True(((z - targets).norm() / targets.norm()).item<float>() < 1e-3);
        // and the seed's prediction on a training prompt is its own object
        var logits = LreEvaluation.Logits(model, op, h);
        Assert.Equal(op.Train.Select(s => ObjectToken.FirstId(model, s.Object)), logits.argmax(-1).data<long>().ToArray().Select(i => (int)i));
    }

    [SharedFact]
    public void Chunked_jacobians_do_not_depend_on_the_chunk_size()
    {
        using var model = LanguageModel.Load(SharedData.Fixture("llama"));
        var prompt = SubjectPrompt.Make(model, "The city of Lima is located in the country of", "Lima");
        using var scope = NewDisposeScope();
        var whole = JacobianEstimator.Compute(model, prompt, 1, chunk: 64).J;
        var pieces = JacobianEstimator.Compute(model, prompt, 1, chunk: 7).J;
        Assert.True(whole.allclose(pieces, rtol: 1e-5, atol: 1e-6));
    }

    [SharedFact]
    public void Rank_truncation_round_trips_through_the_file()
    {
        using var model = LanguageModel.Load(SharedData.Fixture("qwen3"));
        var op = OperatorEstimator.Estimate(model, new OperatorRequest { Relation = Cities, Layer = 1, Rank = 5, Beta = 2.5, TrainCount = 4 });
        string path = Path.Combine(_dir, "op.safetensors");
        OperatorFile.Write(op, path);
        var back = OperatorFile.Read(path);
        Assert.Equal((op.Layer, op.Rank, op.Beta, op.Method, op.FewShot, op.Template), (back.Layer, back.Rank, back.Beta, back.Method, back.FewShot, back.Template));
        Assert.Equal(op.Train, back.Train);
        Assert.Equal(op.Test, back.Test);
        using var scope = NewDisposeScope();
        var w = OperatorMath.Weight(op, CPU, ScalarType.Float32);
        Assert.True(w.allclose(OperatorMath.Weight(back, CPU, ScalarType.Float32)));
        Assert.Equal(5, (int)linalg.matrix_rank(w.to(ScalarType.Float64), atol: 1e-4 * w.abs().max().item<float>()).item<long>());
        Assert.Equal(LreEvaluation.Faithfulness(model, op).Select(s => s.LreTokenId), LreEvaluation.Faithfulness(model, back).Select(s => s.LreTokenId));
        Assert.False(File.Exists(path + ".partial-" + Environment.ProcessId));
    }

    [SharedFact]
    public void An_operator_refuses_another_model()
    {
        using var gpt2 = LanguageModel.Load(SharedData.Fixture("gpt2"));
        using var llama = LanguageModel.Load(SharedData.Fixture("llama"));
        var op = OperatorEstimator.Estimate(gpt2, new OperatorRequest { Relation = Cities, Layer = 1, TrainCount = 3, FewShot = 0 });
        Assert.Equal("OperatorModelMismatch", Assert.Throws<LreException>(() => LreEvaluation.Faithfulness(llama, op)).ErrorId);
    }
}
