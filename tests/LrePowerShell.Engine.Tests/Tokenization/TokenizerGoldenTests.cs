using System.Text.Json;
using LrePowerShell.Engine.Tokenization;
using Xunit;
using static LrePowerShell.Engine.Tests.Tokenization.TokenizerTestData;

namespace LrePowerShell.Engine.Tests.Tokenization;

/// <summary>Token ids (and, for the few-shot LRE goldens, offsets) exactly as the reference tokenizers gave them.</summary>
public class TokenizerGoldenTests
{
    [SharedTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("llama_bf16")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    [InlineData("gptj")]
    public void FixturePromptIdsMatchGolden(string fixture)
    {
        var tok = Get(fixture);
        var golden = ReadJson(SharedData.Golden(fixture));
        int n = 0;
        foreach (var p in golden.GetProperty("prompts").EnumerateArray())
        {
            string text = p.GetProperty("text").GetString()!;
            Assert.True(p.GetProperty("add_special_tokens").GetBoolean());
            EqualSeq(Ints(p.GetProperty("input_ids")), Ids(tok.Encode(text)), $"{fixture} prompt {n} {Show(text)}");
            n++;
        }
        Assert.Equal(4, n);
    }

    [SharedFact]
    public void Stories260kPromptIdsMatchRunC()
    {
        var tok = Get("stories260k");
        var golden = ReadJson(Path.Combine(SharedData.Stories260k, "golden.json"));
        int n = 0;
        foreach (var p in golden.GetProperty("prompts").EnumerateArray())
        {
            string text = p.GetProperty("prompt").GetString()!;
            EqualSeq(Ints(p.GetProperty("prompt_ids")), Ids(tok.Encode(text)), $"stories260k prompt {n} {Show(text)}");
            n++;
        }
        Assert.Equal(6, n);
    }

    [SharedTheory]
    [InlineData("lre_gpt2", "gpt2")]
    [InlineData("lre_llama", "llama")]
    public void ZeroShotLrePromptIdsMatchGolden(string goldenName, string fixture)
    {
        var tok = Get(fixture);
        var golden = ReadJson(SharedData.Golden(goldenName));
        foreach (var s in golden.GetProperty("samples").EnumerateArray())
        {
            string prompt = s.GetProperty("prompt").GetString()!;
            var pieces = tok.Encode(prompt);
            EqualSeq(Ints(s.GetProperty("input_ids")), Ids(pieces), $"{goldenName} {Show(prompt)}");
            Assert.Equal(s.GetProperty("subject_last_token").GetString(), pieces[s.GetProperty("h_index").GetInt32()].Token);
        }
    }

    [SharedTheory]
    [InlineData("lre_gpt2_fewshot", "gpt2")]
    [InlineData("lre_llama_fewshot", "llama")]
    public void FewShotLrePromptIdsOffsetsAndTokensMatchGolden(string goldenName, string fixture)
    {
        var tok = Get(fixture);
        var golden = ReadJson(SharedData.Golden(goldenName));
        int n = 0;
        foreach (var s in golden.GetProperty("samples").EnumerateArray())
        {
            string prompt = s.GetProperty("prompt").GetString()!;
            var pieces = tok.Encode(prompt);
            string ctx = $"{goldenName} sample {n} ({s.GetProperty("subject").GetString()})";
            EqualSeq(Ints(s.GetProperty("input_ids")), Ids(pieces), ctx + " ids");
            var offsets = s.GetProperty("offsets").EnumerateArray().Select(o => $"[{o[0].GetInt32()},{o[1].GetInt32()}]").ToArray();
            EqualSeq(offsets, pieces.Select(p => $"[{p.Start},{p.End}]").ToArray(), ctx + " offsets");
            var tokens = s.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
            EqualSeq(tokens, pieces.Select(p => p.Token).ToArray(), ctx + " tokens");

            // h_index = the token holding the last character of the subject's last occurrence
            var span = Ints(s.GetProperty("subject_char_span"));
            int lastChar = span[1] - 1;
            int h = pieces.Select((p, i) => (p, i)).Last(x => x.p.Start <= lastChar && lastChar < x.p.End).i;
            Assert.Equal(s.GetProperty("h_index").GetInt32(), h);
            n++;
        }
        Assert.Equal(12, n);
    }

    [SharedTheory]
    [InlineData("lre_gpt2_fewshot", "gpt2")]
    [InlineData("lre_llama_fewshot", "llama")]
    public void FewShotTokenizerMetadataMatchesGolden(string goldenName, string fixture)
    {
        var tok = Get(fixture);
        var t = ReadJson(SharedData.Golden(goldenName)).GetProperty("tokenizer");
        Assert.Equal(t.GetProperty("adds_bos").GetBoolean(), tok.AddsBos);
        Assert.Equal(NullableInt(t.GetProperty("bos_token_id")), tok.BosTokenId);
        Assert.Equal(t.GetProperty("eos_token").GetString(), tok.EosToken);
        Assert.Equal(NullableInt(t.GetProperty("eos_token_id")), tok.EosTokenId);
        if (t.GetProperty("eos_prefix").ValueKind == JsonValueKind.String)
            EqualSeq(Ints(t.GetProperty("eos_prefix_token_ids")), Ids(tok.Encode(t.GetProperty("eos_prefix").GetString()!)), "eos prefix");
    }

    private static int? NullableInt(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt32();
}
