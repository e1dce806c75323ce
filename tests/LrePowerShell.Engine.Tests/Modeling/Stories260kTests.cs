namespace LrePowerShell.Engine.Tests.Modeling;

/// <summary>stories260k (a trained Llama) against llama2.c's run.c: greedy ids, block outputs and
/// top-5 logits at the last prompt position (suggested tolerance 1e-4).</summary>
public class Stories260kTests
{
    [SharedFact]
    public void Matches_run_c()
    {
        var golden = Golden.Load(Path.Combine(SharedData.Stories260k, "golden.json"));
        using var model = LanguageModel.Load(Path.Combine(SharedData.Stories260k, "hf"));
        foreach (var p in golden.GetProperty("prompts").EnumerateArray())
        {
            string prompt = p.GetProperty("prompt").GetString()!;
            Assert.Equal(Golden.Ints(p.GetProperty("prompt_ids")), model.Tokenize(prompt).Select(t => t.Id).ToArray());

            var generation = model.Generate(prompt, 64);
            Assert.Equal(Golden.Ints(p.GetProperty("greedy_ids")), generation.TokenIds);

            var blocks = p.GetProperty("block_outputs").EnumerateArray().ToArray();
            var states = model.HiddenStates(new[] { prompt }, Enumerable.Range(0, blocks.Length).ToArray(), PositionSelector.Last);
            foreach (var s in states)
                Golden.ElementsClose(s.Vector, Golden.Vector(blocks[s.Layer]), 1e-4, 0, $"'{prompt}' block {s.Layer}");

            var top = model.Predict(new[] { prompt }, 5);
            Assert.Equal(Golden.Ints(p.GetProperty("runc_top5_ids")), top.Select(t => t.TokenId).ToArray());
            Golden.ElementsClose(top.Select(t => t.Logit).ToArray(), Golden.Vector(p.GetProperty("runc_top5_logits")), 1e-4, 0, $"'{prompt}' top-5 logits");
        }
    }
}
