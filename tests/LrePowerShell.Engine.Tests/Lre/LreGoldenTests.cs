using System.Text.Json;
using LrePowerShell.Engine.Lre;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Lre;

/// <summary>The LRE goldens (zero-shot and few-shot, gpt2 and llama fixtures): prompts, token ids and
/// subject positions exactly; W, b, b_meanW, W_ls, b_ls, h, o and z within 1e-4 relative; every
/// prediction of the files (all betas, least squares, the model's own) identical.</summary>
public class LreGoldenTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "gpt2", "lre_gpt2" }, { "llama", "lre_llama" }, { "gpt2", "lre_gpt2_fewshot" }, { "llama", "lre_llama_fewshot" },
    };

    private static double RelFrobenius(Tensor actual, double[] expected)
    {
        var e = tensor(expected).to(ScalarType.Float64);
        var a = actual.to(ScalarType.Float64).flatten();
        return (a - e).norm().item<double>() / e.norm().item<double>();
    }

    private static double[] Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array && e[0].ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().SelectMany(Golden.Vector).ToArray() : Golden.Vector(e);

    private static void Close(Tensor actual, JsonElement expected, string what)
    {
        double rel = RelFrobenius(actual, Flat(expected));
        Assert.True(rel <= 1e-4, $"{what}: relative error {rel:E2} > 1e-4");
    }

    [SharedTheory]
    [MemberData(nameof(Files))]
    public void Reproduces_the_golden(string fixture, string file)
    {
        var g = Golden.Load(SharedData.Golden(file));
        bool fewShot = g.TryGetProperty("few_shot", out var fs) && fs.GetBoolean();
        var all = g.GetProperty("samples").EnumerateArray().ToArray();
        RelationSample Pair(JsonElement s) => new(s.GetProperty("subject").GetString()!, s.GetProperty("object").GetString()!);
        var train = all.Where(s => s.GetProperty("split").GetString() == "train").Select(Pair).ToArray();
        var test = all.Where(s => s.GetProperty("split").GetString() == "test").Select(Pair).ToArray();
        string template = g.GetProperty("template").GetString()!;
        int layer = g.GetProperty("layer").GetInt32();
        var borderline = g.TryGetProperty("borderline_top2_gap_lt_1e-3", out var bl) ? bl.GetRawText() : "[]";
        Assert.Equal("[]", borderline);

        using var model = LanguageModel.Load(SharedData.Fixture(fixture));
        var op = OperatorEstimator.Estimate(model, new OperatorRequest
        {
            Relation = new Relation("city country", new[] { template }, train),
            Layer = layer, TestSamples = test, FewShot = fewShot ? null : 0,
        });
        Assert.Equal(fewShot ? null : 0, op.FewShot);
        using var scope = NewDisposeScope();
        var w = tensor(op.Weight, new long[] { op.Dim, op.Dim });
        var b = tensor(op.Bias);
        Close(w, g.GetProperty("W"), "W");
        Close(b, g.GetProperty("b"), "b");

        // every sample's prompt, ids, subject position, h, o and z
        var prompts = all.Select(s =>
        {
            var subject = s.GetProperty("subject").GetString()!;
            bool isTrain = s.GetProperty("split").GetString() == "train";
            var examples = !fewShot ? Array.Empty<RelationSample>()
                : isTrain ? FewShotPrompt.ForTraining(train, Array.FindIndex(train, t => t.Subject == subject), op.FewShot)
                : FewShotPrompt.ForTest(train, op.FewShot);
            return SubjectPrompt.Make(model, FewShotPrompt.Build(model.Tokenizer, template, examples, subject), subject);
        }).ToArray();
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal(all[i].GetProperty("prompt").GetString(), prompts[i].Prompt);
            Assert.Equal(Golden.Ints(all[i].GetProperty("input_ids")), prompts[i].Tokens.Select(t => t.Id).ToArray());
            Assert.Equal(all[i].GetProperty("h_index").GetInt32(), prompts[i].SubjectIndex);
            Assert.Equal(all[i].GetProperty("object_first_token_id").GetInt32(), ObjectToken.FirstId(model, all[i].GetProperty("object").GetString()!));
        }
        var read = PromptRun.Read(model, prompts, layer);
        var trainRows = tensor(Enumerable.Range(0, all.Length).Where(i => all[i].GetProperty("split").GetString() == "train").Select(i => (long)i).ToArray());
        for (int i = 0; i < all.Length; i++)
        {
            var s = all[i];
            string what = $"{file} sample {i} ({s.GetProperty("subject").GetString()})";
            Close(read.H[i], s.GetProperty("h"), what + " h");
            Close(read.O[i], s.GetProperty("o"), what + " o");
            Close(read.H[i].matmul(w.t()) + b, s.GetProperty("lre_z"), what + " z");
            Assert.Equal(s.GetProperty("lm_pred").GetInt32(), (int)read.Logits[i].argmax().item<long>());
            foreach (var beta in s.GetProperty("lre_pred_by_beta").EnumerateObject())
            {
                var logits = LreEvaluation.Logits(model, op, read.H[i].unsqueeze(0), double.Parse(beta.Name, System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(beta.Value.GetInt32() == (int)logits.argmax().item<long>(), $"{what} beta {beta.Name}");
            }
        }

        // b with the mean W instead of the per-sample Jacobians, and the least-squares baseline
        var hTrain = read.H.index_select(0, trainRows); var oTrain = read.O.index_select(0, trainRows);
        var bMeanW = (oTrain - hTrain.matmul(w.t())).mean(new long[] { 0 });
        Close(bMeanW, g.GetProperty("b_meanW"), "b_meanW");
        var (wLs, bLs) = OperatorMath.LeastSquares(hTrain, oTrain);
        Close(wLs, g.GetProperty("W_ls"), "W_ls");
        Close(bLs, g.GetProperty("b_ls"), "b_ls");
        for (int i = 0; i < all.Length; i++)
        {
            var zLs = (read.H[i].to(ScalarType.Float64).matmul(wLs.t()) + bLs).to(ScalarType.Float32);
            Assert.Equal(all[i].GetProperty("ls_pred").GetInt32(), (int)model.Decoder.Logits(zLs).argmax().item<long>());
            var zMeanW = read.H[i].matmul(w.t()) + bMeanW;
            Assert.Equal(all[i].GetProperty("lre_beta1_meanW_bias_pred").GetInt32(), (int)model.Decoder.Logits(zMeanW).argmax().item<long>());
        }

        if (fewShot)
        {
            // faithfulness counts per beta, through the evaluation the cmdlets use
            foreach (var beta in g.GetProperty("faithfulness").EnumerateObject())
            {
                var withBeta = op.With(beta: double.Parse(beta.Name, System.Globalization.CultureInfo.InvariantCulture));
                var samples = LreEvaluation.Faithfulness(model, withBeta);
                Assert.Equal(beta.Value.GetProperty("n_faithful").GetInt32(), samples.Count(x => x.Faithful));
                Assert.Equal(beta.Value.GetProperty("n_correct").GetInt32(), samples.Count(x => x.Correct));
            }
        }
    }
}
