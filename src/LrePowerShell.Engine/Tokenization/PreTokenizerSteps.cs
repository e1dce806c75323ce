namespace LrePowerShell.Engine.Tokenization;

/// <summary>One HF pre-tokenizer: splits every current piece into smaller pieces (alignments kept).</summary>
internal abstract class PreTokenizerStep
{
    public abstract void Split(AlignedText piece, List<AlignedText> output);

    /// <summary>Runs a chain of pre-tokenizers (HF <c>Sequence</c>) over one text segment.</summary>
    public static List<AlignedText> Run(IReadOnlyList<PreTokenizerStep> steps, AlignedText segment)
    {
        var pieces = new List<AlignedText> { segment };
        foreach (var step in steps)
        {
            var next = new List<AlignedText>(pieces.Count * 2);
            foreach (var p in pieces) step.Split(p, next);
            pieces = next;
        }
        return pieces;
    }
}

/// <summary>HF's SplitDelimiterBehavior.</summary>
internal enum SplitBehavior { Isolated, Removed, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>HF <c>Split</c> (regex or literal pattern) — also used for <c>Digits</c> and ByteLevel's GPT-2 regex.</summary>
internal sealed class RegexSplit(CodePointRegex regex, SplitBehavior behavior, bool invert) : PreTokenizerStep
{
    public override void Split(AlignedText piece, List<AlignedText> output)
    {
        // (start, end, isMatch) covering the whole piece
        var parts = new List<(int S, int E, bool M)>();
        int pos = 0;
        foreach (var (s, len) in regex.Matches(piece.Text))
        {
            if (s > pos) parts.Add((pos, s, invert));
            parts.Add((s, s + len, !invert));
            pos = s + len;
        }
        if (pos < piece.Length) parts.Add((pos, piece.Length, invert));

        var spans = new List<(int S, int E)>(parts.Count);
        bool previousMatch = false;
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                spans.AddRange(parts.Select(p => (p.S, p.E)));
                break;
            case SplitBehavior.Removed:
                spans.AddRange(parts.Where(p => !p.M).Select(p => (p.S, p.E)));
                break;
            case SplitBehavior.MergedWithPrevious:
                foreach (var p in parts)
                {
                    if (p.M && !previousMatch && spans.Count > 0) spans[^1] = (spans[^1].S, p.E);
                    else spans.Add((p.S, p.E));
                    previousMatch = p.M;
                }
                break;
            case SplitBehavior.MergedWithNext:
                for (int k = parts.Count - 1; k >= 0; k--)
                {
                    var p = parts[k];
                    if (p.M && !previousMatch && spans.Count > 0) spans[^1] = (p.S, spans[^1].E);
                    else spans.Add((p.S, p.E));
                    previousMatch = p.M;
                }
                spans.Reverse();
                break;
            case SplitBehavior.Contiguous:
                for (int k = 0; k < parts.Count; k++)
                {
                    var p = parts[k];
                    if (k > 0 && p.M == previousMatch) spans[^1] = (spans[^1].S, p.E);
                    else spans.Add((p.S, p.E));
                    previousMatch = p.M;
                }
                break;
        }
        foreach (var (s, e) in spans)
            if (e > s) output.Add(s == 0 && e == piece.Length ? piece : piece.Slice(s, e - s));
    }
}

/// <summary>HF <c>ByteLevel</c> pre-tokenizer: optional prefix space (per piece, as HF does), optional
/// GPT-2 regex split. The byte → unicode mapping itself happens in the model step.</summary>
internal sealed class ByteLevelSplit(bool addPrefixSpace, bool useRegex) : PreTokenizerStep
{
    private static readonly RegexSplit Gpt2 = new(new CodePointRegex(CodePointRegex.Gpt2Pattern), SplitBehavior.Isolated, false);

    public override void Split(AlignedText piece, List<AlignedText> output)
    {
        if (addPrefixSpace && !piece.Text.StartsWith(' ')) piece = piece.Prepend(' ');
        if (useRegex) Gpt2.Split(piece, output);
        else output.Add(piece);
    }
}
