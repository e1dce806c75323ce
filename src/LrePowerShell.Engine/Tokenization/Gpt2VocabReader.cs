namespace LrePowerShell.Engine.Tokenization;

/// <summary>Reads a GPT-2-style folder (vocab.json + merges.txt, HF GPT2Tokenizer) into a byte-level BPE over
/// the folder's own merges, with GPT-2's pre-tokenizer regex and <c>&lt;|endoftext|&gt;</c> as special token.</summary>
internal static class Gpt2VocabReader
{
    public const string VocabFile = "vocab.json";
    public const string MergesFile = "merges.txt";
    private const string EndOfText = "<|endoftext|>";

    public static ByteLevelBpeTokenizer Build(Stream vocabJson, Stream mergesTxt, TokenizerSettings settings)
    {
        var vocab = HfTokenizerJsonReader.ReadVocab(TokenizerSettings.Parse(vocabJson, VocabFile), VocabFile);
        var merges = new List<(string, string)>();
        using (var reader = new StreamReader(mergesTxt))
        {
            int lineNo = 0;
            for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                lineNo++;
                if (line.StartsWith("#version", StringComparison.Ordinal) || line.Trim().Length == 0) continue;
                var parts = line.Split(' ');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                    throw TokenizerErrors.Invalid(MergesFile, $"line {lineNo} is not two tokens separated by one space");
                merges.Add((parts[0], parts[1]));
            }
        }
        var bpe = new BpeMerger(vocab, merges, ignoreMerges: false, unkToken: null, MergesFile);

        // GPT2Tokenizer's defaults: bos = eos = unk = <|endoftext|>
        string? Default(string? configured) => configured ?? (vocab.ContainsKey(EndOfText) ? EndOfText : null);
        string? bos = Default(settings.BosToken), eos = Default(settings.EosToken);
        var added = new List<AddedToken>();
        HfTokenizerJsonReader.AddSettingsTokens(added, settings, vocab);
        foreach (var s in new[] { bos, eos, Default(settings.UnkToken) })
            if (s != null && !added.Any(a => a.Content == s) && vocab.TryGetValue(s, out var id)) added.Add(new AddedToken(id, s));

        int? Resolve(string? tok) => tok == null ? null : added.FirstOrDefault(a => a.Content == tok)?.Id ?? (vocab.TryGetValue(tok, out var v) ? v : null);
        var prefix = new List<int>();
        if (settings.AddBosToken == true && Resolve(bos) is int b) prefix.Add(b);
        var suffix = new List<int>();
        if (settings.AddEosToken == true && Resolve(eos) is int e) suffix.Add(e);

        var pre = new PreTokenizerStep[] { new ByteLevelSplit(settings.AddPrefixSpace ?? false, useRegex: true) };
        return new ByteLevelBpeTokenizer(bpe, vocab, added, [], pre, prefix, suffix, eos, eos == null ? settings.ConfigEosTokenId : null);
    }
}
