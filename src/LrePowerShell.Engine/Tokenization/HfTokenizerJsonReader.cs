using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>Reads an HF fast-tokenizer <c>tokenizer.json</c> with a byte-level BPE model (Llama 3, Qwen2/3,
/// GPT-J/GPT-2 conversions) into a <see cref="ByteLevelBpeTokenizer"/>. Supported: normalizers NFC/NFD/NFKC/NFKD
/// (and Sequence of them), pre-tokenizers Split/ByteLevel/Digits (and Sequence), BPE with merges as
/// <c>"a b"</c> strings or <c>["a","b"]</c> pairs and <c>ignore_merges</c>, TemplateProcessing / Roberta / Bert
/// post-processors for BOS/EOS.</summary>
internal static class HfTokenizerJsonReader
{
    public const string FileName = "tokenizer.json";

    /// <summary>HF classes whose constructor rebuilds the post-processor from add_bos_token/add_eos_token.</summary>
    private static readonly HashSet<string> ClassesWithBosFlags = ["LlamaTokenizerFast", "GemmaTokenizerFast", "CodeLlamaTokenizerFast"];

    /// <summary>Whether the file describes a byte-level BPE (a ByteLevel pre-tokenizer or decoder).</summary>
    public static bool IsByteLevel(JsonElement root) =>
        HasType(Prop(root, "pre_tokenizer"), "ByteLevel", "pretokenizers") || HasType(Prop(root, "decoder"), "ByteLevel", "decoders");

    public static ByteLevelBpeTokenizer Build(JsonElement root, TokenizerSettings settings)
    {
        if (root.ValueKind != JsonValueKind.Object) throw TokenizerErrors.Invalid(FileName, "the top level is not an object");
        if (!IsByteLevel(root))
            throw TokenizerErrors.NotSupported(FileName, "only byte-level BPE tokenizer.json files are supported (put the tokenizer.model beside it for SentencePiece models)");

        // ---- model
        if (Prop(root, "model") is not { ValueKind: JsonValueKind.Object } model) throw TokenizerErrors.Invalid(FileName, "no \"model\" object");
        string type = Str(model, "type") ?? (model.TryGetProperty("merges", out _) ? "BPE" : "?");
        if (type != "BPE") throw TokenizerErrors.NotSupported(FileName, $"model type '{type}' (only BPE)");
        if (!string.IsNullOrEmpty(Str(model, "continuing_subword_prefix")) || !string.IsNullOrEmpty(Str(model, "end_of_word_suffix")))
            throw TokenizerErrors.NotSupported(FileName, "continuing_subword_prefix / end_of_word_suffix");
        var vocab = ReadVocab(Prop(model, "vocab"), FileName);
        var merges = ReadMerges(Prop(model, "merges"));
        var bpe = new BpeMerger(vocab, merges, TokenizerSettings.Bool(model, "ignore_merges") ?? false, Str(model, "unk_token"), FileName);

        // ---- added tokens
        var added = new List<AddedToken>();
        if (Prop(root, "added_tokens") is { ValueKind: JsonValueKind.Array } at)
            foreach (var t in at.EnumerateArray())
            {
                if (Prop(t, "id") is not { ValueKind: JsonValueKind.Number } idEl || !idEl.TryGetInt32(out var id) || Str(t, "content") is not string content)
                    throw TokenizerErrors.Invalid(FileName, "an added_tokens entry has no id/content");
                added.Add(TokenizerSettings.ReadAddedToken(id, content, t));
            }
        AddSettingsTokens(added, settings, vocab);

        // ---- normalizer, pre-tokenizer
        var normalizers = new List<NormalizationForm>();
        ReadNormalizer(Prop(root, "normalizer"), normalizers);
        var preTokenizers = new List<PreTokenizerStep>();
        ReadPreTokenizer(Prop(root, "pre_tokenizer"), preTokenizers);

        // ---- BOS/EOS around the text
        int? Resolve(string tok) => added.FirstOrDefault(a => a.Content == tok)?.Id ?? (vocab.TryGetValue(tok, out var v) ? v : null);
        var prefix = new List<int>();
        var suffix = new List<int>();
        ReadPostProcessor(Prop(root, "post_processor"), prefix, suffix, Resolve);
        if (settings.TokenizerClass != null && ClassesWithBosFlags.Contains(settings.TokenizerClass))
        {
            prefix.Clear();
            suffix.Clear();
            if ((settings.AddBosToken ?? true) && settings.BosToken != null && Resolve(settings.BosToken) is int b) prefix.Add(b);
            if ((settings.AddEosToken ?? false) && settings.EosToken != null && Resolve(settings.EosToken) is int e) suffix.Add(e);
        }

        return new ByteLevelBpeTokenizer(bpe, vocab, added, normalizers, preTokenizers, prefix, suffix,
            settings.EosToken, settings.EosToken == null ? settings.ConfigEosTokenId : null);
    }

    /// <summary>Adds the special-token strings of tokenizer_config / special_tokens_map that resolve to an id.</summary>
    internal static void AddSettingsTokens(List<AddedToken> added, TokenizerSettings settings, Dictionary<string, int> vocab)
    {
        foreach (var t in settings.AddedTokens)
            if (!added.Any(a => a.Id == t.Id)) added.Add(t);
        foreach (var s in settings.SpecialStrings())
        {
            if (added.Any(a => a.Content == s)) continue;
            if (vocab.TryGetValue(s, out var id)) added.Add(new AddedToken(id, s));
        }
    }

    internal static Dictionary<string, int> ReadVocab(JsonElement? vocabEl, string file)
    {
        if (vocabEl is not { ValueKind: JsonValueKind.Object } v) throw TokenizerErrors.Invalid(file, "no vocabulary object");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id) || id < 0)
                throw TokenizerErrors.Invalid(file, $"vocabulary entry '{p.Name}' has no integer id");
            vocab[p.Name] = id;
        }
        return vocab;
    }

    private static List<(string, string)> ReadMerges(JsonElement? mergesEl)
    {
        var merges = new List<(string, string)>();
        if (mergesEl is not { ValueKind: JsonValueKind.Array } arr) return merges;
        foreach (var m in arr.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.String)
            {
                var parts = m.GetString()!.Split(' ');
                if (parts.Length != 2) throw TokenizerErrors.Invalid(FileName, $"merge \"{m.GetString()}\" is not two tokens separated by one space");
                merges.Add((parts[0], parts[1]));
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2 && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                merges.Add((m[0].GetString()!, m[1].GetString()!));
            else throw TokenizerErrors.Invalid(FileName, "a merge is neither \"a b\" nor [\"a\", \"b\"]");
        }
        return merges;
    }

    private static void ReadNormalizer(JsonElement? n, List<NormalizationForm> output)
    {
        if (n is not { ValueKind: JsonValueKind.Object } e) return;
        switch (Str(e, "type"))
        {
            case "NFC": output.Add(NormalizationForm.FormC); break;
            case "NFD": output.Add(NormalizationForm.FormD); break;
            case "NFKC": output.Add(NormalizationForm.FormKC); break;
            case "NFKD": output.Add(NormalizationForm.FormKD); break;
            case "Sequence":
                if (Prop(e, "normalizers") is { ValueKind: JsonValueKind.Array } list)
                    foreach (var x in list.EnumerateArray()) ReadNormalizer(x, output);
                break;
            case var t: throw TokenizerErrors.NotSupported(FileName, $"normalizer '{t}'");
        }
    }

    private static void ReadPreTokenizer(JsonElement? p, List<PreTokenizerStep> output)
    {
        if (p is not { ValueKind: JsonValueKind.Object } e) return;
        switch (Str(e, "type"))
        {
            case "Sequence":
                if (Prop(e, "pretokenizers") is { ValueKind: JsonValueKind.Array } list)
                    foreach (var x in list.EnumerateArray()) ReadPreTokenizer(x, output);
                break;
            case "ByteLevel":
                output.Add(new ByteLevelSplit(TokenizerSettings.Bool(e, "add_prefix_space") ?? true, TokenizerSettings.Bool(e, "use_regex") ?? true));
                break;
            case "Split":
            {
                var pat = Prop(e, "pattern");
                string? regex = pat is { ValueKind: JsonValueKind.Object } po
                    ? Str(po, "Regex") ?? (Str(po, "String") is string lit ? Regex.Escape(lit) : null)
                    : null;
                if (regex == null) throw TokenizerErrors.Invalid(FileName, "a Split pre-tokenizer has no Regex/String pattern");
                var behavior = Str(e, "behavior") ?? "Isolated";
                if (!Enum.TryParse<SplitBehavior>(behavior, out var b)) throw TokenizerErrors.NotSupported(FileName, $"Split behavior '{behavior}'");
                CodePointRegex compiled;
                try { compiled = new CodePointRegex(regex); }
                catch (ArgumentException ex) { throw TokenizerErrors.NotSupported(FileName, $"pre-tokenizer regex not understood by .NET ({ex.Message})"); }
                output.Add(new RegexSplit(compiled, b, TokenizerSettings.Bool(e, "invert") ?? false));
                break;
            }
            case "Digits":
                output.Add(new RegexSplit(new CodePointRegex((TokenizerSettings.Bool(e, "individual_digits") ?? false) ? @"\p{N}" : @"\p{N}+"), SplitBehavior.Isolated, false));
                break;
            case var t: throw TokenizerErrors.NotSupported(FileName, $"pre-tokenizer '{t}'");
        }
    }

    private static void ReadPostProcessor(JsonElement? p, List<int> prefix, List<int> suffix, Func<string, int?> resolve)
    {
        if (p is not { ValueKind: JsonValueKind.Object } e) return;
        switch (Str(e, "type"))
        {
            case "Sequence":
                if (Prop(e, "processors") is { ValueKind: JsonValueKind.Array } list)
                    foreach (var x in list.EnumerateArray()) ReadPostProcessor(x, prefix, suffix, resolve);
                break;
            case "TemplateProcessing":
            {
                if (Prop(e, "single") is not { ValueKind: JsonValueKind.Array } single) return;
                var specials = Prop(e, "special_tokens");
                bool afterSequence = false;
                foreach (var item in single.EnumerateArray())
                {
                    if (item.TryGetProperty("Sequence", out _)) { afterSequence = true; continue; }
                    if (Prop(item, "SpecialToken") is not { } st || Str(st, "id") is not string name) continue;
                    var ids = new List<int>();
                    if (specials is { ValueKind: JsonValueKind.Object } sp && Prop(sp, name) is { } entry && Prop(entry, "ids") is { ValueKind: JsonValueKind.Array } idArr)
                        ids.AddRange(idArr.EnumerateArray().Select(x => x.GetInt32()));
                    else if (resolve(name) is int id) ids.Add(id);
                    else throw TokenizerErrors.Invalid(FileName, $"post_processor special token '{name}' has no id");
                    (afterSequence ? suffix : prefix).AddRange(ids);
                }
                break;
            }
            case "RobertaProcessing" or "BertProcessing":
                if (Prop(e, "cls") is { ValueKind: JsonValueKind.Array } cls && cls.GetArrayLength() == 2) prefix.Add(cls[1].GetInt32());
                if (Prop(e, "sep") is { ValueKind: JsonValueKind.Array } sep && sep.GetArrayLength() == 2) suffix.Add(sep[1].GetInt32());
                break;
            // ByteLevel: offsets trimming only, which this module never applies (offsets stay untrimmed)
        }
    }

    private static bool HasType(JsonElement? e, string type, string listName)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o) return false;
        if (Str(o, "type") == type) return true;
        return Prop(o, listName) is { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(x => HasType(x, type, listName));
    }

    internal static JsonElement? Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    internal static string? Str(JsonElement e, string name) =>
        Prop(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}
