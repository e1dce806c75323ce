using System.Collections.Concurrent;
using System.Text;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>
/// SentencePiece BPE (tokenizer.model: Llama 2, Gemma, stories260k) as libsentencepiece encodes, plus HF's
/// special-token splitting and BOS rule. Written by hand rather than with Microsoft.ML.Tokenizers'
/// <c>LlamaTokenizer</c>, which gives the same ids (the tests cross-check them) but reports offsets into its
/// own normalized text (dummy prefix, '▁', removed spaces; restarted after every special token; empty for
/// byte-fallback continuation bytes) and splits user-defined symbols into characters unless they are passed
/// as special tokens. Here every token maps back to the original text.
/// Steps: special tokens split out → SentencePiece normalizer (identity rules only: remove_extra_whitespaces,
/// add_dummy_prefix, ' ' → '▁') → user-defined symbols matched whole → score-based BPE (highest score, then
/// leftmost) → UNUSED pieces re-split → unknown pieces to &lt;0xNN&gt; byte pieces (byte_fallback) or unk.
/// </summary>
internal sealed class SentencePieceBpeTokenizer : ILreTokenizer
{
    private const char Space = '\u2581'; // ▁
    private const int CacheLimit = 200_000;

    private readonly SentencePieceModelProto _proto;
    private readonly Dictionary<string, int> _pieces = new(StringComparer.Ordinal);   // NORMAL, USER_DEFINED, UNUSED
    private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal); // CONTROL, UNKNOWN, BYTE
    private readonly Dictionary<char, string[]> _userSymbols;
    private readonly int[] _byteIds = new int[256];
    private readonly ConcurrentDictionary<string, (string Left, string Right)> _revMerge = new(StringComparer.Ordinal);
    private readonly Dictionary<int, byte> _byteOfId = new();
    private readonly bool _canSplitWords;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<int, AddedToken> _addedById = new();
    private readonly Dictionary<string, int> _addedByContent = new(StringComparer.Ordinal);
    private readonly int? _suffixId;
    private readonly string[] _tokenText;
    private readonly ConcurrentDictionary<string, SpToken[]> _cache = new(StringComparer.Ordinal);

    private readonly record struct SpToken(int Id, int Start, int Length);

    public SentencePieceBpeTokenizer(SentencePieceModelProto proto, TokenizerSettings settings)
    {
        _proto = proto;
        if (proto.ModelType != 2) throw TokenizerErrors.NotSupported(SentencePieceModelProto.FileName, $"SentencePiece model type {proto.ModelType} (only BPE = 2)");
        if (proto.PrecompiledCharsmapLength > 0)
            throw TokenizerErrors.NotSupported(SentencePieceModelProto.FileName, $"normalizer '{proto.NormalizerName}' with a precompiled charsmap (only identity)");
        Array.Fill(_byteIds, -1);
        var userSymbols = new List<string>();
        for (int id = 0; id < proto.Pieces.Count; id++)
        {
            var p = proto.Pieces[id];
            bool normal = p.Type is SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused;
            if (!(normal ? _pieces : _reserved).TryAdd(p.Piece, id))
                throw TokenizerErrors.Invalid(SentencePieceModelProto.FileName, $"piece '{p.Piece}' is defined twice");
            if (p.Type == SentencePieceType.UserDefined && p.Piece.Length > 0) userSymbols.Add(p.Piece);
            if (p.Type == SentencePieceType.Byte && p.Piece.Length == 6 && p.Piece.StartsWith("<0x") && p.Piece.EndsWith('>')
                && byte.TryParse(p.Piece.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            { _byteIds[b] = id; _byteOfId[id] = b; }
        }
        _userSymbols = userSymbols.GroupBy(s => s[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Length).ToArray());
        // Words (split before a '▁' that follows a non-'▁') can be encoded independently — and cached —
        // when no mergeable piece contains a non-'▁' character followed by '▁' (true for whitespace-split training).
        _canSplitWords = !proto.TreatWhitespaceAsSuffix && !_pieces.Keys.Any(k =>
        {
            for (int i = 1; i < k.Length; i++) if (k[i] == Space && k[i - 1] != Space) return true;
            return false;
        });
        Size = proto.Pieces.Count;

        // special tokens split out of the text before SentencePiece (HF added tokens)
        int? Resolve(string s) => _pieces.TryGetValue(s, out var i) ? i : _reserved.TryGetValue(s, out var j) ? j : null;
        foreach (var t in settings.AddedTokens) { _addedById.TryAdd(t.Id, t); _addedByContent.TryAdd(t.Content, t.Id); }
        foreach (var s in settings.SpecialStrings())
            if (!_addedByContent.ContainsKey(s) && Resolve(s) is int id && !_addedById.ContainsKey(id))
            {
                _addedById[id] = new AddedToken(id, s);
                _addedByContent[s] = id;
            }
        _splitter = new AddedTokenSplitter(_addedById.Values);
        Size = Math.Max(Size, _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);

        string? PieceOf(int id) => id >= 0 && id < proto.Pieces.Count ? proto.Pieces[id].Piece : null;
        // BOS: HF LlamaTokenizer / GemmaTokenizer add_bos_token (default true); bos_token from the configs, else the model's bos piece
        string? bos = settings.BosToken ?? PieceOf(proto.BosId);
        if ((settings.AddBosToken ?? true) && bos != null && TokenToId(bos) is int bosId) BosTokenId = bosId;
        EosToken = settings.EosToken ?? (settings.ConfigEosTokenId is int ce ? PieceOf(ce) : PieceOf(proto.EosId));
        EosTokenId = EosToken != null ? TokenToId(EosToken) : null;
        if (settings.AddEosToken == true) _suffixId = EosTokenId;

        _tokenText = new string[Size];
        for (int id = 0; id < Size; id++) _tokenText[id] = PieceText(id);
    }

    public bool AddsBos => BosTokenId != null;
    public int? BosTokenId { get; }
    public int? EosTokenId { get; }
    public string? EosToken { get; }
    public int Size { get; }

    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var t) ? t.Content : id >= 0 && id < _proto.Pieces.Count ? _proto.Pieces[id].Piece : null;

    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var a) ? a : _pieces.TryGetValue(token, out var p) ? p : _reserved.TryGetValue(token, out var r) ? r : null;

    public IReadOnlyList<TokenPiece> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<TokenPiece>(text.Length / 2 + 4);
        if (BosTokenId is int bos) result.Add(new TokenPiece(bos, _tokenText[bos], 0, 0));
        foreach (var seg in _splitter.Split(text))
        {
            // like HF's slow tokenizer (legacy), each text segment between special tokens is encoded on its own
            if (seg.Token != null) result.Add(new TokenPiece(seg.Token.Id, seg.Token.Content, seg.Start, seg.End));
            else EncodeSegment(Normalize(text, seg.Start, seg.End), result);
        }
        if (_suffixId is int eos) result.Add(new TokenPiece(eos, _tokenText[eos], 0, 0));
        return result;
    }

    /// <summary>SentencePiece's normalizer with identity rules (normalizer.cc): drop leading spaces, collapse
    /// repeated spaces and drop trailing ones (remove_extra_whitespaces), prepend the dummy '▁'
    /// (add_dummy_prefix), ' ' → '▁' (escape_whitespaces). Only U+0020 counts as a space here.</summary>
    private AlignedText Normalize(string text, int start, int end)
    {
        var sb = new StringBuilder(end - start + 1);
        var starts = new List<int>(end - start + 1);
        var ends = new List<int>(end - start + 1);
        bool removeExtra = _proto.RemoveExtraWhitespaces;
        int i = start;
        if (removeExtra) while (i < end && text[i] == ' ') i++;
        if (i == end) return new AlignedText("", [], []);
        char space = _proto.EscapeWhitespaces ? Space : ' ';
        if (_proto.AddDummyPrefix && !_proto.TreatWhitespaceAsSuffix) Add(space, i, i);
        bool prevSpace = removeExtra;
        for (; i < end; i++)
        {
            char c = text[i];
            if (c == ' ')
            {
                if (removeExtra && prevSpace) continue;
                Add(space, i, i + 1);
                prevSpace = true;
            }
            else
            {
                bool pair = char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]);
                Add(c, i, i + (pair ? 2 : 1));
                if (pair) Add(text[++i], i - 1, i + 1);
                prevSpace = false;
            }
        }
        if (removeExtra)
            while (sb.Length > 0 && sb[^1] == space) { sb.Length--; starts.RemoveAt(starts.Count - 1); ends.RemoveAt(ends.Count - 1); }
        if (_proto.AddDummyPrefix && _proto.TreatWhitespaceAsSuffix && sb.Length > 0) Add(space, end, end);
        return new AlignedText(sb.ToString(), starts.ToArray(), ends.ToArray());

        void Add(char c, int s, int e) { sb.Append(c); starts.Add(s); ends.Add(e); }
    }

    private void EncodeSegment(AlignedText norm, List<TokenPiece> result)
    {
        string s = norm.Text;
        if (s.Length == 0) return;
        // initial symbols: user-defined symbols whole, else one code point
        var symbolStarts = new List<int>();
        for (int i = 0; i < s.Length;)
        {
            symbolStarts.Add(i);
            i += SymbolLength(s, i, out _);
        }
        int wordStart = 0;
        for (int k = 1; k <= symbolStarts.Count; k++)
        {
            bool boundary = k == symbolStarts.Count
                || (_canSplitWords && s[symbolStarts[k]] == Space && s[symbolStarts[k] - 1] != Space);
            if (!boundary) continue;
            int wordEnd = k == symbolStarts.Count ? s.Length : symbolStarts[k];
            string word = s[wordStart..wordEnd];
            if (!_cache.TryGetValue(word, out var tokens))
            {
                tokens = EncodeWord(word);
                if (_cache.Count >= CacheLimit) _cache.Clear();
                _cache.TryAdd(word, tokens);
            }
            foreach (var t in tokens)
            {
                var (os, oe) = norm.OriginalRange(wordStart + t.Start, wordStart + t.Start + t.Length);
                result.Add(new TokenPiece(t.Id, _tokenText[t.Id], os, oe));
            }
            wordStart = wordEnd;
        }
    }

    private int SymbolLength(string s, int i, out bool frozen)
    {
        frozen = false;
        if (_userSymbols.TryGetValue(s[i], out var candidates))
            foreach (var u in candidates)
                if (string.CompareOrdinal(s, i, u, 0, u.Length) == 0) { frozen = true; return u.Length; }
        return char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
    }

    /// <summary>bpe_model.cc Encode: merge the adjacent pair whose concatenation is a piece with the highest
    /// score (leftmost on ties) until none is left; then resegment UNUSED pieces and byte-fall-back unknowns.</summary>
    private SpToken[] EncodeWord(string word)
    {
        var start = new List<int>();
        var len = new List<int>();
        var frozen = new List<bool>();
        for (int i = 0; i < word.Length;)
        {
            int l = SymbolLength(word, i, out bool f);
            start.Add(i); len.Add(l); frozen.Add(f);
            i += l;
        }
        int n = start.Count;
        var prev = new int[n];
        var next = new int[n];
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }

        var agenda = new PriorityQueue<(int Left, int Right, int Size), (float NegScore, int Left)>();
        void MaybeAdd(int left, int right)
        {
            if (left < 0 || right < 0 || frozen[left] || frozen[right]) return;
            string piece = word.Substring(start[left], len[left] + len[right]);
            if (!_pieces.TryGetValue(piece, out var id)) return;
            agenda.Enqueue((left, right, piece.Length), (-_proto.Pieces[id].Score, left));
            if (_proto.Pieces[id].Type == SentencePieceType.Unused)
                _revMerge.TryAdd(piece, (word.Substring(start[left], len[left]), word.Substring(start[right], len[right])));
        }
        for (int i = 0; i + 1 < n; i++) MaybeAdd(i, i + 1);
        while (agenda.TryDequeue(out var top, out _))
        {
            int l = top.Left, r = top.Right;
            if (len[l] == 0 || len[r] == 0 || next[l] != r || len[l] + len[r] != top.Size) continue; // stale
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            MaybeAdd(prev[l], l);
            MaybeAdd(l, next[l]);
        }

        var output = new List<SpToken>(n);
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) Resegment(word, start[i], len[i], output);
        return output.ToArray();
    }

    private void Resegment(string word, int s, int l, List<SpToken> output)
    {
        string piece = word.Substring(s, l);
        if (_pieces.TryGetValue(piece, out var id))
        {
            if (_proto.Pieces[id].Type == SentencePieceType.Unused && _revMerge.TryGetValue(piece, out var halves))
            {
                Resegment(word, s, halves.Left.Length, output);
                Resegment(word, s + halves.Left.Length, halves.Right.Length, output);
            }
            else output.Add(new SpToken(id, s, l));
            return;
        }
        if (_proto.ByteFallback)
        {
            // every byte piece of an unknown character spans that character (HF fast-tokenizer style offsets)
            foreach (var b in Encoding.UTF8.GetBytes(piece))
                output.Add(new SpToken(_byteIds[b] >= 0 ? _byteIds[b] : _proto.UnkId, s, l));
        }
        else output.Add(new SpToken(_proto.UnkId, s, l));
    }

    /// <summary>The text of one id: '▁' as a space, a byte piece as its character (U+FFFD when not ASCII),
    /// control/unknown/added tokens as their piece string.</summary>
    private string PieceText(int id)
    {
        if (_addedById.TryGetValue(id, out var added)) return added.Content;
        if (id >= _proto.Pieces.Count) return "";
        var p = _proto.Pieces[id];
        return p.Type switch
        {
            SentencePieceType.Byte => ByteOf(id) is byte b && b < 0x80 ? ((char)b).ToString() : "\uFFFD",
            SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused => p.Piece.Replace(Space, ' '),
            _ => p.Piece,
        };
    }

    private byte? ByteOf(int id) => _byteOfId.TryGetValue(id, out var b) ? b : null;

    /// <summary>SentencePiece decode: '▁' → ' ', consecutive byte pieces joined as UTF-8, special/control tokens
    /// as their text (HF <c>skip_special_tokens=False</c>), and, when the model adds a dummy prefix, the leading
    /// space of the first non-special piece removed.</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new Utf8TextBuilder();
        bool first = true;
        foreach (var id in ids)
        {
            if (id < 0 || id >= Size) throw TokenizerErrors.BadId(id, Size);
            bool special = _addedById.ContainsKey(id) || id >= _proto.Pieces.Count
                || _proto.Pieces[id].Type is SentencePieceType.Control or SentencePieceType.Unknown;
            if (!special && _proto.Pieces[id].Type == SentencePieceType.Byte && ByteOf(id) is byte b)
            {
                sb.Append(b);
                first = false;
                continue;
            }
            string text = special ? IdToToken(id) ?? "" : _proto.Pieces[id].Piece;
            if (!special)
            {
                if (first && (_proto.AddDummyPrefix || _proto.RemoveExtraWhitespaces) && !_proto.TreatWhitespaceAsSuffix && text.Length > 0 && text[0] == Space)
                    text = text[1..];
                text = text.Replace(Space, ' ');
                first = false;
            }
            sb.Append(text);
        }
        return sb.ToString();
    }
}
