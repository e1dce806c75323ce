using System.Text.Json;
using LrePowerShell.Engine.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Modeling;

/// <summary>Every fixture of ../shared/fixtures against its float64 golden, at the README's tolerances:
/// embedding, every block output at the last token, all positions of the listed layers, final norm,
/// top-5 logits in order, probe logits, argmax at every position.</summary>
public class FixtureGoldenTests
{
    public static TheoryData<string> Fixtures => new() { "gpt2", "llama", "llama_bf16", "qwen2", "qwen3", "gemma2", "gemma2_bf16", "gemma3", "gptj" };

    /// <summary>Runs golden ids through the decoder with every block captured.</summary>
    internal static (Tensor Logits, ResidualHooks Hooks) Run(LanguageModel model, int[] ids)
    {
        var hooks = new ResidualHooks();
        hooks.Capture(ResidualHooks.EmbeddingLayer);
        for (int l = 0; l < model.Spec.LayerCount; l++) hooks.Capture(l);
        using var input = tensor(ids.Select(i => (long)i).ToArray(), new long[] { 1, ids.Length });
        using var _ = no_grad();
        var logits = model.Decoder.Forward(input, new ForwardOptions { Hooks = hooks })!;
        return (logits, hooks);
    }

    internal static float[] Floats(Tensor t) => t.to(ScalarType.Float32).cpu().data<float>().ToArray();

    [SharedTheory]
    [MemberData(nameof(Fixtures))]
    public void Fp32_reproduces_the_float64_golden(string fixture)
    {
        var golden = Golden.Load(SharedData.Golden(fixture));
        using var model = LanguageModel.Load(SharedData.Fixture(fixture), new LoadOptions("float32"));
        Assert.Equal(golden.GetProperty("model_type").GetString(), model.ModelType);
        Assert.Equal(golden.GetProperty("num_layers").GetInt32(), model.Spec.LayerCount);
        var allLayers = Golden.Ints(golden.GetProperty("layers_with_all_positions"));
        foreach (var prompt in golden.GetProperty("prompts").EnumerateArray())
        {
            string text = prompt.GetProperty("text").GetString()!;
            int[] ids = Golden.Ints(prompt.GetProperty("input_ids"));
            using var scope = NewDisposeScope();
            var (logits, hooks) = Run(model, ids);
            using (hooks)
            {
                int last = ids.Length - 1;
                Golden.ElementsClose(Floats(hooks.Captured(-1)[0, last]), Golden.Vector(prompt.GetProperty("embedding_last")), 1e-4, 1e-5, $"{fixture} '{text}' embedding");
                var blocks = prompt.GetProperty("block_output_last").EnumerateArray().ToArray();
                for (int l = 0; l < blocks.Length; l++)
                    Golden.BlockClose(Floats(hooks.Captured(l)[0, last]), Golden.Vector(blocks[l]), 3e-5, $"{fixture} '{text}' block {l}");
                foreach (int l in allLayers)
                {
                    var rows = prompt.GetProperty("block_output_all_positions").GetProperty(l.ToString()).EnumerateArray().ToArray();
                    for (int t = 0; t < rows.Length; t++)
                        Golden.BlockClose(Floats(hooks.Captured(l)[0, t]), Golden.Vector(rows[t]), 3e-5, $"{fixture} '{text}' block {l} position {t}");
                }
                Golden.ElementsClose(Floats(model.Decoder.FinalNorm(hooks.Captured(model.Spec.LayerCount - 1)[0, last])),
                    Golden.Vector(prompt.GetProperty("final_norm_last")), 1e-4, 1e-5, $"{fixture} '{text}' final norm");
            }
            var lastLogits = logits[0, ids.Length - 1];
            var top5 = prompt.GetProperty("logits_last_top5");
            var (values, indices) = lastLogits.topk(5);
            Assert.Equal(Golden.Ints(top5.GetProperty("ids")), indices.data<long>().ToArray().Select(i => (int)i).ToArray());
            Golden.ElementsClose(Floats(values), Golden.Vector(top5.GetProperty("values")), 1e-4, 1e-5, $"{fixture} '{text}' top-5 logits");
            var probe = prompt.GetProperty("logits_last_probe");
            var probeIds = Golden.Ints(probe.GetProperty("ids"));
            var probeValues = Floats(lastLogits.index_select(0, tensor(probeIds.Select(i => (long)i).ToArray())));
            Golden.ElementsClose(probeValues, Golden.Vector(probe.GetProperty("values")), 1e-4, 1e-5, $"{fixture} '{text}' probe logits");
            var argmax = logits[0].argmax(-1).data<long>().ToArray().Select(i => (int)i).ToArray();
            Assert.Equal(Golden.Ints(prompt.GetProperty("argmax_all_positions")), argmax);
        }
    }

    [SharedTheory]
    [InlineData("llama_bf16")]
    [InlineData("gemma2_bf16")]
    public void Bf16_compute_matches_the_bf16_emulation(string fixture)
    {
        var golden = Golden.Load(SharedData.Golden(fixture)).GetProperty("bf16_emulation");
        using var model = LanguageModel.Load(SharedData.Fixture(fixture), new LoadOptions("bfloat16"));
        Assert.Equal("bfloat16", model.DTypeName);
        foreach (var prompt in golden.GetProperty("prompts").EnumerateArray())
        {
            int[] ids = Golden.Ints(prompt.GetProperty("input_ids"));
            using var scope = NewDisposeScope();
            var (logits, hooks) = Run(model, ids);
            using (hooks)
            {
                var blocks = prompt.GetProperty("block_output_last").EnumerateArray().ToArray();
                for (int l = 0; l < blocks.Length; l++)
                    Golden.BlockClose(Floats(hooks.Captured(l)[0, ids.Length - 1]), Golden.Vector(blocks[l]), 8e-2, $"{fixture} bf16 block {l}");
            }
            int top1 = (int)logits[0, ids.Length - 1].argmax().item<long>();
            Assert.Equal(prompt.GetProperty("logits_last_top5").GetProperty("ids")[0].GetInt32(), top1);
        }
    }

    [SharedFact]
    public void Auto_dtype_follows_torch_dtype()
    {
        using var model = LanguageModel.Load(SharedData.Fixture("llama_bf16"), new LoadOptions("auto"));
        Assert.Equal("bfloat16", model.DTypeName);
    }

    [SharedFact]
    public void Left_padded_batches_give_the_unpadded_numbers()
    {
        using var model = LanguageModel.Load(SharedData.Fixture("gemma2"));
        var prompts = new[] { "The capital of France is", "In a quiet village near the mountains, the old baker woke up" };
        var batched = model.Predict(prompts, 3);
        var single = prompts.SelectMany(p => model.Predict(new[] { p }, 3)).ToArray();
        Assert.Equal(single.Select(r => r.TokenId), batched.Select(r => r.TokenId));
        for (int i = 0; i < single.Length; i++) Assert.True(Math.Abs(single[i].Logit - batched[i].Logit) < 1e-4);
    }
}
