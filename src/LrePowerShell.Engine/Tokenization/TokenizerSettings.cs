using LrePowerShell.Engine.Loading;
using System.Text.Json;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>What tokenizer_config.json, special_tokens_map.json and config.json say about special tokens
/// (all optional). Token fields may be a string, null or an AddedToken object <c>{"content": …}</c>.</summary>
internal sealed class TokenizerSettings
{
    public string? BosToken { get; private set; }
    public string? EosToken { get; private set; }
    public string? UnkToken { get; private set; }
    public string? PadToken { get; private set; }
    public bool? AddBosToken { get; private set; }
    public bool? AddEosToken { get; private set; }
    public bool? AddPrefixSpace { get; private set; }
    public string? TokenizerClass { get; private set; }
    /// <summary>added_tokens_decoder entries plus added_tokens.json, by id.</summary>
    public List<AddedToken> AddedTokens { get; } = [];
    /// <summary>Strings of special tokens without a known id (additional_special_tokens, …).</summary>
    public List<string> ExtraSpecialStrings { get; } = [];
    public int? ConfigEosTokenId { get; private set; }

    public static TokenizerSettings FromFolder(string folder)
    {
        Stream? Open(string name) => File.Exists(Path.Combine(folder, name)) ? File.OpenRead(Path.Combine(folder, name)) : null;
        using var tc = Open("tokenizer_config.json");
        using var stm = Open("special_tokens_map.json");
        using var cfg = Open("config.json");
        using var added = Open("added_tokens.json");
        return FromStreams(tc, stm, cfg, added);
    }

    public static TokenizerSettings FromStreams(Stream? tokenizerConfig, Stream? specialTokensMap, Stream? modelConfig, Stream? addedTokensJson = null)
    {
        var s = new TokenizerSettings();
        // special_tokens_map first, tokenizer_config overrides (HF loads both; the config's values win)
        if (specialTokensMap != null) s.ReadTokenStrings(Parse(specialTokensMap, "special_tokens_map.json"));
        if (tokenizerConfig != null)
        {
            var root = Parse(tokenizerConfig, "tokenizer_config.json");
            s.ReadTokenStrings(root);
            s.AddBosToken = Bool(root, "add_bos_token");
            s.AddEosToken = Bool(root, "add_eos_token");
            s.AddPrefixSpace = Bool(root, "add_prefix_space");
            if (root.TryGetProperty("tokenizer_class", out var cls) && cls.ValueKind == JsonValueKind.String) s.TokenizerClass = cls.GetString();
            if (root.TryGetProperty("added_tokens_decoder", out var dec) && dec.ValueKind == JsonValueKind.Object)
                foreach (var p in dec.EnumerateObject())
                {
                    if (!int.TryParse(p.Name, out var id) || p.Value.ValueKind != JsonValueKind.Object || TokenString(p.Value) is not string content)
                        throw TokenizerErrors.Invalid("tokenizer_config.json", $"added_tokens_decoder entry '{p.Name}' is malformed");
                    s.AddedTokens.Add(ReadAddedToken(id, content, p.Value));
                }
        }
        if (addedTokensJson != null)
        {
            var root = Parse(addedTokensJson, "added_tokens.json");
            if (root.ValueKind == JsonValueKind.Object)
                foreach (var p in root.EnumerateObject())
                    if (p.Value.TryGetInt32(out var id) && s.AddedTokens.All(t => t.Id != id)) s.AddedTokens.Add(new AddedToken(id, p.Name, Special: false));
        }
        if (modelConfig != null)
        {
            var root = Parse(modelConfig, "config.json");
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("eos_token_id", out var eos))
            {
                if (eos.ValueKind == JsonValueKind.Number && eos.TryGetInt32(out var e)) s.ConfigEosTokenId = e;
                else if (eos.ValueKind == JsonValueKind.Array && eos.GetArrayLength() > 0 && eos[0].TryGetInt32(out var e0)) s.ConfigEosTokenId = e0;
            }
        }
        return s;
    }

    /// <summary>Every special-token string the settings name, for splitting out of the text.</summary>
    public IEnumerable<string> SpecialStrings()
    {
        foreach (var t in new[] { BosToken, EosToken, UnkToken, PadToken })
            if (!string.IsNullOrEmpty(t)) yield return t;
        foreach (var t in ExtraSpecialStrings) yield return t;
    }

    internal static AddedToken ReadAddedToken(int id, string content, JsonElement e) =>
        new(id, content,
            Special: Bool(e, "special") ?? true,
            LStrip: Bool(e, "lstrip") ?? false,
            RStrip: Bool(e, "rstrip") ?? false);

    private void ReadTokenStrings(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return;
        if (root.TryGetProperty("bos_token", out var v)) BosToken = TokenString(v);
        if (root.TryGetProperty("eos_token", out v)) EosToken = TokenString(v);
        if (root.TryGetProperty("unk_token", out v)) UnkToken = TokenString(v);
        if (root.TryGetProperty("pad_token", out v)) PadToken = TokenString(v);
        if (root.TryGetProperty("additional_special_tokens", out v) && v.ValueKind == JsonValueKind.Array)
            foreach (var t in v.EnumerateArray())
                if (TokenString(t) is string str && !ExtraSpecialStrings.Contains(str)) ExtraSpecialStrings.Add(str);
    }

    internal static string? TokenString(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Object when v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    internal static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean() : null;

    /// <summary>Parses a whole JSON file; malformed JSON → TokenizerInvalid naming the file.</summary>
    internal static JsonElement Parse(Stream stream, string fileName)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        using var doc = StrictJson.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), why => TokenizerErrors.Invalid(fileName, why),
            new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        return doc.RootElement.Clone();
    }
}
