using System.Text;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Tokenization;
using Xunit;
using static LrePowerShell.Engine.Tests.Tokenization.TokenizerTestData;

namespace LrePowerShell.Engine.Tests.Tokenization;

/// <summary>BOS/EOS rules, special tokens, normalization offsets, decoding and round trips on the shared fixtures.</summary>
public class TokenizerBehaviourTests
{
    [SharedTheory]
    [InlineData("gpt2", false, null, "<|endoftext|>", 50256, 50257)]
    [InlineData("llama", true, 543, "<|end_of_text|>", 544, 554)]
    [InlineData("llama_bf16", true, 543, "<|end_of_text|>", 544, 554)]
    [InlineData("qwen2", false, null, "<|endoftext|>", 543, 546)]
    [InlineData("qwen3", false, null, "<|endoftext|>", 543, 546)]
    [InlineData("gptj", false, null, "<|endoftext|>", 543, 546)]
    [InlineData("gemma2", true, 2, "<eos>", 1, 512)]
    [InlineData("gemma3", true, 2, "<eos>", 1, 512)]
    [InlineData("stories260k", true, 1, "</s>", 2, 512)]
    public void BosEosAndSizeFollowTheFamilyRules(string fixture, bool addsBos, int? bosId, string eos, int eosId, int size)
    {
        var tok = Get(fixture);
        Assert.Equal(addsBos, tok.AddsBos);
        Assert.Equal(bosId, tok.BosTokenId);
        Assert.Equal(eos, tok.EosToken);
        Assert.Equal(eosId, tok.EosTokenId);
        Assert.Equal(size, tok.Size);
        var pieces = tok.Encode("The city of Paris");
        if (addsBos) Assert.Equal(new TokenPiece(bosId!.Value, tok.IdToToken(bosId.Value)!, 0, 0), pieces[0]);
        else Assert.NotEqual(tok.TokenToId(eos), pieces[0].Id);
        Assert.Equal(addsBos ? new[] { bosId!.Value } : Array.Empty<int>(), Ids(tok.Encode("")));
    }

    [SharedFact]
    public void LlamaBosComesFromTemplatePostProcessorNotAddBosToken()
    {
        string json = File.ReadAllText(Path.Combine(Folder("llama"), "tokenizer.json"));
        using var config = new MemoryStream(Encoding.UTF8.GetBytes("""{"bos_token": "<|begin_of_text|>", "add_bos_token": false, "tokenizer_class": "PreTrainedTokenizerFast"}"""));
        var tok = TokenizerLoader.FromTokenizerJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), config);
        Assert.True(tok.AddsBos); // PreTrainedTokenizerFast ignores add_bos_token: the template decides
        var noTemplate = json.Replace("\"TemplateProcessing\"", "\"NotATemplate\"");
        var tok2 = TokenizerLoader.FromTokenizerJson(new MemoryStream(Encoding.UTF8.GetBytes(noTemplate)));
        Assert.False(tok2.AddsBos);
    }

    [SharedTheory]
    [InlineData("gpt2", "<|endoftext|>", 50256)]
    [InlineData("qwen2", "<|im_start|>", 544)]
    [InlineData("gptj", "<|endoftext|>", 543)]
    [InlineData("llama", "<|eot_id|>", 552)]
    [InlineData("gemma2", "<bos>", 2)]
    [InlineData("gemma2", "<start_of_turn>", 4)]
    [InlineData("gemma3", "<end_of_turn>", 5)]
    [InlineData("stories260k", "</s>", 2)]
    public void SpecialTokensInTheTextStayWhole(string fixture, string special, int id)
    {
        var tok = Get(fixture);
        foreach (var text in new[] { special, "a" + special + "b", "x " + special + " y", special + special + "\n" + special, "The city" + special })
        {
            var pieces = tok.Encode(text);
            var hits = pieces.Where(p => p.Id == id && (!tok.AddsBos || p.End > 0)).ToList();
            int count = (text.Length - text.Replace(special, "").Length) / special.Length;
            Assert.Equal(count, hits.Count);
            int from = 0;
            foreach (var h in hits)
            {
                int at = text.IndexOf(special, from, StringComparison.Ordinal);
                Assert.Equal((at, at + special.Length, special), (h.Start, h.End, h.Token));
                from = at + special.Length;
            }
            // no other token overlaps the special token's text
            Assert.All(pieces.Where(p => p.Id != id), p => Assert.True(hits.All(h => p.End <= h.Start || p.Start >= h.End), Show(text)));
        }
        // a partial special string is ordinary text
        Assert.DoesNotContain(id, Ids(tok.Encode(special[..^1])).Skip(tok.AddsBos ? 1 : 0));
    }

    [SharedFact]
    public void Gpt2EndOfTextAtStartIsOneTokenWithOffsets0To13()
    {
        var pieces = Get("gpt2").Encode("<|endoftext|>The city of Berlin");
        Assert.Equal(new TokenPiece(50256, "<|endoftext|>", 0, 13), pieces[0]);
        EqualSeq([50256, 464, 1748, 286, 11307], Ids(pieces), "gpt2");
    }

    [SharedFact]
    public void GemmaUserSymbolsAreSinglePieces()
    {
        var tok = Get("gemma2");
        string text = "<start_of_turn>user\nWhere is Paris?<end_of_turn>\n<start_of_turn>model\n";
        var pieces = tok.Encode(text);
        Assert.Equal(2, pieces.Count(p => p.Id == 4));
        Assert.Equal(1, pieces.Count(p => p.Id == 5));
        Assert.Equal(new TokenPiece(4, "<start_of_turn>", 0, 15), pieces[1]);
        // the same through SentencePiece's user-symbol matcher alone (no HF added tokens declared)
        using var model = File.OpenRead(Path.Combine(Folder("gemma2"), "tokenizer.model"));
        var bare = TokenizerLoader.FromSentencePiece(model);
        EqualSeq(Ids(pieces), Ids(bare.Encode(text)), "gemma without tokenizer_config");
    }

    [SharedTheory]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    [InlineData("gptj")]
    public void QwenNfcOffsetsReferToTheOriginalText(string fixture)
    {
        var tok = Get(fixture);
        string text = "Hello world! Numbers like 12345 and cafe\u0301 naïve résumé.";
        var pieces = tok.Encode(text);
        // NFC: the decomposed é tokenizes like the precomposed one
        EqualSeq(Ids(tok.Encode(text.Normalize(NormalizationForm.FormC))), Ids(pieces), "NFC");
        int e = text.IndexOf("e\u0301", StringComparison.Ordinal);
        // é = bytes C3 A9 = two byte-level tokens (127, 102), both aligned to the 'e' it was composed from (as HF does)
        var eTokens = pieces.Where(p => p.Start == e).ToList();
        EqualSeq([127, 102], eTokens.Select(p => p.Id).ToArray(), "é tokens");
        Assert.All(eTokens, p => Assert.Equal(e + 1, p.End));
        Assert.Equal(e + 2, pieces.First(p => p.Start > e).Start); // " na" starts after the combining mark
        Assert.All(pieces, p => Assert.True(p.Start <= p.End && p.End <= text.Length));
        Assert.Equal(" naïve résumé.".Length, text.Length - (e + 2));
    }

    [SharedTheory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    [InlineData("gemma2")]
    public void FamiliesWithoutNormalizerKeepTheCombiningMark(string fixture)
    {
        var tok = Get(fixture);
        Assert.NotEqual(Ids(tok.Encode("cafe\u0301")), Ids(tok.Encode("café")));
    }

    [Fact]
    public void IgnoreMergesEmitsAWholePreTokenFoundInTheVocabulary()
    {
        static ILreTokenizer Make(bool ignoreMerges) => TokenizerLoader.FromTokenizerJson(new MemoryStream(Encoding.UTF8.GetBytes($$$"""
            {"version":"1.0","added_tokens":[],"normalizer":null,
             "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
             "post_processor":null,"decoder":{"type":"ByteLevel"},
             "model":{"type":"BPE","ignore_merges":{{{(ignoreMerges ? "true" : "false")}}},
                      "vocab":{"a":0,"b":1,"c":2,"bc":3,"abc":4,"ab":5,"Ġ":6},"merges":["a b","b c"]}}
            """)));
        EqualSeq([5, 2], Ids(Make(false).Encode("abc")), "merges");
        EqualSeq([4], Ids(Make(true).Encode("abc")), "ignore_merges");
        EqualSeq([4, 6, 5, 2, 5, 2], Ids(Make(true).Encode("abc abcabc")), "ignore_merges, then merges"); // "abc" whole; " abcabc" → Ġ ab c ab c
    }

    [SharedTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("gemma2")]
    [InlineData("stories260k")]
    public void OffsetsTileTheTextForAscii(string fixture)
    {
        var tok = Get(fixture);
        foreach (var text in new[] { "The city of Berlin is located in the country of", "It's 12345, don't\tstop!\nOK?", "a-b_c (d) [e] {f} 3.14" })
        {
            var pieces = tok.Encode(text).Skip(tok.AddsBos ? 1 : 0).ToList();
            Assert.Equal(text, string.Concat(pieces.Select(p => text[p.Start..p.End])));
            for (int i = 0; i < pieces.Count; i++) // stories260k's first piece carries the dummy-prefix space
                Assert.Equal((i == 0 && fixture == "stories260k" ? " " : "") + text[pieces[i].Start..pieces[i].End], pieces[i].Token);
        }
    }

    [SharedTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    [InlineData("gptj")]
    [InlineData("gemma2")]
    [InlineData("stories260k")]
    public void DecodeInvertsEncode(string fixture)
    {
        var tok = Get(fixture);
        // stories260k removes extra whitespace (a normalizer change), so it gets texts without runs
        string? special = fixture switch { "gpt2" or "qwen2" or "qwen3" or "gptj" => "<|endoftext|>", "llama" => "<|eot_id|>", "gemma2" => "<start_of_turn>", _ => null };
        var texts = VariedStrings(200, seed: 5, special, whitespaceRuns: fixture != "stories260k");
        foreach (var text in texts)
        {
            var ids = Ids(tok.Encode(text)).Skip(tok.AddsBos ? 1 : 0).ToArray();
            Assert.Equal(text, tok.Decode(ids));
        }
    }

    [SharedTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("gemma2")]
    public void DecodeOfGoldenIdsGivesThePromptBack(string fixture)
    {
        var tok = Get(fixture);
        foreach (var p in ReadJson(SharedData.Golden(fixture)).GetProperty("prompts").EnumerateArray())
        {
            string text = p.GetProperty("text").GetString()!;
            var ids = Ints(p.GetProperty("input_ids")).Skip(tok.AddsBos ? 1 : 0).ToArray();
            Assert.Equal(fixture == "qwen2" ? text.Normalize(NormalizationForm.FormC) : text, tok.Decode(ids));
        }
    }

    [SharedFact]
    public void SentencePieceDecodeHandlesBytesDummyPrefixAndSpecialTokens()
    {
        var stories = Get("stories260k");
        Assert.Equal("Once upon a time", stories.Decode([403, 407, 261, 378]));
        Assert.Equal("<s>Once", stories.Decode([1, 403]));
        var gemma = Get("gemma2");
        Assert.Equal(" café\n", gemma.Decode(Ids(gemma.Encode(" café\n")).Skip(1).ToArray()));
        Assert.Equal("é", gemma.Decode([gemma.TokenToId("<0xC3>")!.Value, gemma.TokenToId("<0xA9>")!.Value]));
    }

    [SharedFact]
    public void IdToTokenAndTokenToIdUseRawVocabularyStrings()
    {
        var gpt2 = Get("gpt2");
        Assert.Equal("Ġcity", gpt2.IdToToken(1748));
        Assert.Equal(1748, gpt2.TokenToId("Ġcity"));
        Assert.Equal(50256, gpt2.TokenToId("<|endoftext|>"));
        Assert.Null(gpt2.IdToToken(50257));
        Assert.Null(gpt2.TokenToId("no such token"));
        Assert.Equal("<0x0A>", Get("gemma2").IdToToken(16));
        Assert.Equal("<|begin_of_text|>", Get("llama").IdToToken(543));
        var ex = Assert.Throws<LreException>(() => gpt2.Decode([50257]));
        Assert.Equal("TokenIdInvalid", ex.ErrorId);
    }

    [SharedFact]
    public void StreamFactoriesEqualFolderLoading()
    {
        string F(string fixture, string file) => Path.Combine(Folder(fixture), file);
        var texts = VariedStrings(50, seed: 3, "<|endoftext|>");
        using (var tj = File.OpenRead(F("qwen2", "tokenizer.json")))
        using (var tc = File.OpenRead(F("qwen2", "tokenizer_config.json")))
        {
            var t = TokenizerLoader.FromTokenizerJson(tj, tc);
            Assert.All(texts, s => Assert.Equal(Get("qwen2").Encode(s), t.Encode(s)));
        }
        using (var v = File.OpenRead(F("gpt2", "vocab.json")))
        using (var m = File.OpenRead(F("gpt2", "merges.txt")))
        {
            var t = TokenizerLoader.FromVocabAndMerges(v, m); // GPT2Tokenizer defaults: <|endoftext|> special, no BOS
            Assert.All(texts, s => Assert.Equal(Get("gpt2").Encode(s), t.Encode(s)));
            Assert.Equal("<|endoftext|>", t.EosToken);
        }
        using (var sp = File.OpenRead(F("stories260k", "tokenizer.model")))
        using (var tc = File.OpenRead(F("stories260k", "tokenizer_config.json")))
        {
            var t = TokenizerLoader.FromSentencePiece(sp, tc);
            Assert.Equal(Get("stories260k").Encode("Once upon a time"), t.Encode("Once upon a time"));
        }
    }
}
