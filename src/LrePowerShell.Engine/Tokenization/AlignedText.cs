using System.Globalization;
using System.Text;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>A (normalized, pre-tokenized) piece of text that remembers, for every UTF-16 unit, the
/// [start, end) range of the original text it came from — HF's NormalizedString alignments. A token
/// spanning units [a, b) maps back to [Starts[a], Ends[b - 1]), exactly as HF converts offsets.</summary>
internal sealed class AlignedText
{
    public AlignedText(string text, int[] starts, int[] ends)
    {
        Text = text;
        Starts = starts;
        Ends = ends;
    }

    public string Text { get; }
    public int[] Starts { get; }
    public int[] Ends { get; }
    public int Length => Text.Length;

    /// <summary>The identity alignment of <paramref name="original"/>[start, end); a surrogate pair
    /// maps both units to the pair's range.</summary>
    public static AlignedText FromOriginal(string original, int start, int end)
    {
        int n = end - start;
        var starts = new int[n];
        var ends = new int[n];
        for (int i = 0; i < n; i++)
        {
            int pos = start + i;
            if (char.IsHighSurrogate(original[pos]) && pos + 1 < end && char.IsLowSurrogate(original[pos + 1]))
            {
                starts[i] = starts[i + 1] = pos;
                ends[i] = ends[i + 1] = pos + 2;
                i++;
            }
            else
            {
                starts[i] = pos;
                ends[i] = pos + 1;
            }
        }
        return new AlignedText(original.Substring(start, n), starts, ends);
    }

    public AlignedText Slice(int start, int length) =>
        new(Text.Substring(start, length), Starts.AsSpan(start, length).ToArray(), Ends.AsSpan(start, length).ToArray());

    /// <summary>Prepends a character aligned to the empty range before the first character (HF <c>prepend</c>).</summary>
    public AlignedText Prepend(char c)
    {
        int at = Length > 0 ? Starts[0] : 0;
        return new AlignedText(c + Text, [at, .. Starts], [at, .. Ends]);
    }

    public (int Start, int End) OriginalRange(int start, int end) =>
        end > start ? (Starts[start], Ends[end - 1]) : (start < Length ? (Starts[start], Starts[start]) : (0, 0));

    /// <summary>Unicode normalization that keeps alignments. The text is normalized in chunks that start
    /// at a character that cannot combine with what precedes it; inside a chunk that changes, output code
    /// points are aligned to input code points sequentially as HF's <c>transform</c> does: a composed
    /// character takes the alignment of the first character it replaces (so <c>e + U+0301 → é</c> maps to
    /// the <c>e</c>), characters a decomposition inserts take the alignment of the previous one.</summary>
    public AlignedText Normalize(NormalizationForm form)
    {
        try
        {
            if (Text.IsNormalized(form)) return this;
        }
        catch (ArgumentException)
        {
            return this; // lone surrogates: HF could not even receive such a string
        }

        var sb = new StringBuilder(Text.Length);
        var starts = new List<int>(Text.Length);
        var ends = new List<int>(Text.Length);
        int i = 0;
        while (i < Text.Length)
        {
            int j = i + CharLength(Text, i);
            while (j < Text.Length && !StartsChunk(Text, j)) j += CharLength(Text, j);
            string chunk = Text[i..j];
            string norm;
            try { norm = chunk.Normalize(form); }
            catch (ArgumentException) { norm = chunk; }
            if (norm == chunk)
            {
                sb.Append(chunk);
                starts.AddRange(Starts.AsSpan(i, j - i));
                ends.AddRange(Ends.AsSpan(i, j - i));
            }
            else
            {
                AlignChunk(i, chunk, norm, sb, starts, ends);
            }
            i = j;
        }
        return new AlignedText(sb.ToString(), starts.ToArray(), ends.ToArray());
    }

    private void AlignChunk(int offset, string chunk, string norm, StringBuilder sb, List<int> starts, List<int> ends)
    {
        // input code points with their original ranges
        var inRanges = new List<(int S, int E)>();
        for (int k = 0; k < chunk.Length; k += CharLength(chunk, k))
        {
            int len = CharLength(chunk, k);
            inRanges.Add((Starts[offset + k], Ends[offset + k + len - 1]));
        }
        var outCps = new List<string>();
        for (int k = 0; k < norm.Length; k += CharLength(norm, k)) outCps.Add(norm.Substring(k, CharLength(norm, k)));
        int nIn = inRanges.Count, nOut = outCps.Count;
        for (int k = 0; k < nOut; k++)
        {
            var r = nOut <= nIn
                ? inRanges[k == 0 ? 0 : k + nIn - nOut]
                : inRanges[Math.Min(k, nIn - 1)];
            foreach (char c in outCps[k])
            {
                sb.Append(c);
                starts.Add(r.S);
                ends.Add(r.E);
            }
        }
    }

    private static int CharLength(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;

    /// <summary>Whether the character at <paramref name="i"/> cannot compose with the preceding one
    /// (not a combining mark, not a Hangul medial/final jamo, not a half-width kana voicing mark).</summary>
    private static bool StartsChunk(string s, int i)
    {
        char c = s[i];
        if (char.IsLowSurrogate(c)) return false;
        if (c >= '\u1160' && c <= '\u11FF') return false;
        if (c >= '\uD7B0' && c <= '\uD7FF') return false;
        if (c == '\uFF9E' || c == '\uFF9F') return false;
        var cat = CharUnicodeInfo.GetUnicodeCategory(s, i);
        return cat is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);
    }
}
