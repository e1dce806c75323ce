namespace LrePowerShell.Engine.Tokenization;

/// <summary>An added/special token (tokenizer.json <c>added_tokens</c>, tokenizer_config
/// <c>added_tokens_decoder</c>, or a bos/eos/unk/pad string of the config).</summary>
internal sealed record AddedToken(int Id, string Content, bool Special = true, bool LStrip = false, bool RStrip = false);

/// <summary>A piece of the input: either an added token's match or a stretch of ordinary text.</summary>
internal readonly record struct TextSegment(int Start, int End, AddedToken? Token);

/// <summary>
/// Splits added/special tokens out of the raw text before normalization and pre-tokenization, like HF's
/// AddedVocabulary (leftmost-longest match; <c>lstrip</c>/<c>rstrip</c> absorb adjacent whitespace into the
/// token's span). Their literal text never reaches the BPE.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content)
            .Select(g => g.First())
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    public List<TextSegment> Split(string text)
    {
        var result = new List<TextSegment>();
        int textStart = 0; // start of the pending ordinary text
        int i = 0;
        while (i < text.Length)
        {
            AddedToken? hit = null;
            if (_byFirstChar.TryGetValue(text[i], out var candidates))
                foreach (var t in candidates)
                    if (string.CompareOrdinal(text, i, t.Content, 0, t.Content.Length) == 0) { hit = t; break; }
            if (hit == null) { i++; continue; }

            int s = i, e = i + hit.Content.Length;
            if (hit.LStrip) while (s > textStart && char.IsWhiteSpace(text[s - 1])) s--;
            if (hit.RStrip) while (e < text.Length && char.IsWhiteSpace(text[e])) e++;
            if (s > textStart) result.Add(new TextSegment(textStart, s, null));
            result.Add(new TextSegment(s, e, hit));
            textStart = i = e;
        }
        if (textStart < text.Length) result.Add(new TextSegment(textStart, text.Length, null));
        return result;
    }
}
