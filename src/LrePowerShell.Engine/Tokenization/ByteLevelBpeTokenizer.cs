using System.Text;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>
/// Byte-level BPE (GPT-2, GPT-J, Llama 3, Qwen2/3): added tokens split out of the raw text, then the
/// normalizer (NFC for Qwen), the pre-tokenizer chain (regex split, ByteLevel), the byte → unicode map and
/// the rank-based BPE of <see cref="BpeMerger"/>; offsets follow every step back to the original text.
/// Built by <see cref="TokenizerLoader"/> from tokenizer.json or vocab.json + merges.txt.
/// </summary>
internal sealed class ByteLevelBpeTokenizer : ILreTokenizer
{
    private readonly BpeMerger _model;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<int, string> _idToToken = new();
    private readonly Dictionary<int, AddedToken> _addedById = new();
    private readonly Dictionary<string, int> _addedByContent = new(StringComparer.Ordinal);
    private readonly AddedTokenSplitter _splitter;
    private readonly NormalizationForm[] _normalizers;
    private readonly PreTokenizerStep[] _preTokenizers;
    private readonly int[] _prefixIds;
    private readonly int[] _suffixIds;
    private readonly string?[] _tokenText;

    public ByteLevelBpeTokenizer(
        BpeMerger model, Dictionary<string, int> vocab, IEnumerable<AddedToken> addedTokens,
        IEnumerable<NormalizationForm> normalizers, IEnumerable<PreTokenizerStep> preTokenizers,
        IEnumerable<int> prefixIds, IEnumerable<int> suffixIds, string? eosToken, int? eosTokenId)
    {
        _model = model;
        _vocab = vocab;
        foreach (var (tok, id) in vocab) _idToToken[id] = tok;
        foreach (var t in addedTokens)
        {
            _addedById.TryAdd(t.Id, t);
            _addedByContent.TryAdd(t.Content, t.Id);
        }
        _splitter = new AddedTokenSplitter(_addedById.Values);
        _normalizers = normalizers.ToArray();
        _preTokenizers = preTokenizers.ToArray();
        _prefixIds = prefixIds.ToArray();
        _suffixIds = suffixIds.ToArray();
        Size = Math.Max(_idToToken.Count == 0 ? 0 : _idToToken.Keys.Max() + 1, _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);
        _tokenText = new string?[Size];
        EosTokenId = eosTokenId ?? (eosToken != null ? TokenToId(eosToken) : null);
        EosToken = eosToken ?? (eosTokenId is int e ? IdToToken(e) : null);
    }

    public bool AddsBos => _prefixIds.Length > 0;
    public int? BosTokenId => AddsBos ? _prefixIds[0] : null;
    public int? EosTokenId { get; }
    public string? EosToken { get; }
    public int Size { get; }
    /// <summary>Ids Encode appends after the text (a template's EOS), usually none.</summary>
    internal IReadOnlyList<int> SuffixIds => _suffixIds;

    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var t) ? t.Content : _idToToken.GetValueOrDefault(id);

    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var a) ? a : _vocab.TryGetValue(token, out var v) ? v : null;

    public IReadOnlyList<TokenPiece> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<TokenPiece>(text.Length / 3 + 4);
        foreach (var id in _prefixIds) result.Add(new TokenPiece(id, TokenText(id), 0, 0));
        foreach (var seg in _splitter.Split(text))
        {
            if (seg.Token != null) result.Add(new TokenPiece(seg.Token.Id, seg.Token.Content, seg.Start, seg.End));
            else EncodeText(AlignedText.FromOriginal(text, seg.Start, seg.End), result);
        }
        foreach (var id in _suffixIds) result.Add(new TokenPiece(id, TokenText(id), 0, 0));
        return result;
    }

    private void EncodeText(AlignedText segment, List<TokenPiece> result)
    {
        foreach (var form in _normalizers) segment = segment.Normalize(form);
        if (segment.Length == 0) return;
        var map = ByteLevelAlphabet.ByteToChar;
        Span<byte> utf8 = stackalloc byte[4];
        var word = new StringBuilder();
        var byteStarts = new List<int>();
        var byteEnds = new List<int>();
        foreach (var piece in PreTokenizerStep.Run(_preTokenizers, segment))
        {
            word.Clear(); byteStarts.Clear(); byteEnds.Clear();
            string s = piece.Text;
            for (int i = 0; i < s.Length; i++)
            {
                int len = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
                var rune = len == 2 ? new Rune(s[i], s[i + 1]) : Rune.IsValid(s[i]) ? new Rune(s[i]) : Rune.ReplacementChar;
                int n = rune.EncodeToUtf8(utf8);
                var (os, oe) = piece.OriginalRange(i, i + len);
                for (int b = 0; b < n; b++)
                {
                    word.Append(map[utf8[b]]);
                    byteStarts.Add(os);
                    byteEnds.Add(oe);
                }
                i += len - 1;
            }
            foreach (var t in _model.Encode(word.ToString()))
                result.Add(new TokenPiece(t.Id, TokenText(t.Id), byteStarts[t.Start], byteEnds[t.Start + t.Length - 1]));
        }
    }

    /// <summary>The decoded text of one token (cached).</summary>
    private string TokenText(int id)
    {
        if ((uint)id < (uint)_tokenText.Length && _tokenText[id] is string cached) return cached;
        string text = Decode([id]);
        if ((uint)id < (uint)_tokenText.Length) _tokenText[id] = text;
        return text;
    }

    /// <summary>Byte-level decode: added tokens as their content, vocabulary tokens through the reverse byte
    /// map, bytes joined as UTF-8 (invalid sequences → U+FFFD). No clean-up of spaces
    /// (like HF with <c>clean_up_tokenization_spaces=False</c>), so Decode(Encode(text)) == text.</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new Utf8TextBuilder();
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added)) text.Append(added.Content);
            else if (_idToToken.TryGetValue(id, out var tok))
            {
                foreach (char c in tok)
                {
                    if (ByteLevelAlphabet.TryGetByte(c, out var b)) text.Append(b);
                    else text.Append(c); // not a byte-level char (a hand-made vocab): keep as is
                }
            }
            else throw TokenizerErrors.BadId(id, Size);
        }
        return text.ToString();
    }
}
