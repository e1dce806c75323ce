using System.Text;
using LrePowerShell.Engine.Tokenization;

namespace LrePowerShell.Trainer.Tokenizer;

/// <summary>A trained byte-level BPE: the merges in rank order and the vocabulary they make. Ids: the 256
/// byte symbols (in byte order), then each new token in the order its merge was learnt, then
/// <c>&lt;|endoftext|&gt;</c> last, as in GPT-2. Two merges can make the same string ("a"+"bc", "ab"+"c"):
/// it keeps its first id, as in Hugging Face's trainer.</summary>
internal sealed class ByteLevelBpe
{
    public const string EndOfText = "<|endoftext|>";
    private readonly List<(string A, string B)> _merges = new();
    private readonly List<string> _tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar[b].ToString()).ToList();
    private readonly HashSet<string> _known;

    public ByteLevelBpe() { _known = new HashSet<string>(_tokens, StringComparer.Ordinal); }

    public IReadOnlyList<(string A, string B)> Merges => _merges;
    public int VocabSize => _tokens.Count + 1;
    public int EndOfTextId => _tokens.Count;

    public void Add(string a, string b)
    {
        _merges.Add((a, b));
        if (_known.Add(a + b)) _tokens.Add(a + b);
    }

    /// <summary>Every token with its id, in id order.</summary>
    public IEnumerable<(string Token, int Id)> Vocabulary() =>
        _tokens.Select((t, i) => (t, i)).Append((EndOfText, EndOfTextId));
}

/// <summary>
/// Trains a GPT-2-style byte-level BPE: text is split by GPT-2's pre-tokenizer regex, each piece's UTF-8
/// bytes become symbols of GPT-2's byte → unicode alphabet, and the most frequent adjacent pair is merged
/// until the vocabulary is full or no pair occurs twice. Ties go to the ordinally smallest pair, so the
/// same text always gives the same merges.
/// </summary>
internal static class ByteLevelBpeTrainer
{
    private static readonly CodePointRegex PreTokenizer = new(CodePointRegex.Gpt2Pattern);

    public static ByteLevelBpe Train(IEnumerable<string> texts, int vocabSize)
    {
        if (vocabSize < 257) throw new ArgumentOutOfRangeException(nameof(vocabSize), "A byte-level vocabulary needs the 256 bytes and <|endoftext|>.");
        var words = CountWords(texts);
        var symbols = words.Keys.Order(StringComparer.Ordinal).Select(w => (Symbols: w.Select(c => c.ToString()).ToList(), Count: words[w])).ToList();
        var bpe = new ByteLevelBpe();
        while (bpe.VocabSize < vocabSize)
        {
            var pairs = new Dictionary<(string A, string B), long>();
            foreach (var (s, count) in symbols)
                for (int i = 0; i + 1 < s.Count; i++)
                    pairs[(s[i], s[i + 1])] = pairs.GetValueOrDefault((s[i], s[i + 1])) + count;
            (string A, string B) best = default;
            long bestCount = 0;
            foreach (var (pair, count) in pairs)
                if (count > bestCount || (count == bestCount && Before(pair, best))) (best, bestCount) = (pair, count);
            if (bestCount < 2) break;
            bpe.Add(best.A, best.B);
            foreach (var (s, _) in symbols) Merge(s, best.A, best.B);
        }
        return bpe;
    }

    private static bool Before((string A, string B) x, (string A, string B) y)
    {
        int c = string.CompareOrdinal(x.A, y.A);
        return c < 0 || (c == 0 && string.CompareOrdinal(x.B, y.B) < 0);
    }

    /// <summary>Pre-tokenized pieces in the byte-level alphabet, with how often each occurs.</summary>
    private static Dictionary<string, long> CountWords(IEnumerable<string> texts)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var text in texts)
            foreach (var (start, length) in PreTokenizer.Matches(text))
            {
                word.Clear();
                foreach (byte b in Encoding.UTF8.GetBytes(text, start, length)) word.Append(ByteLevelAlphabet.ByteToChar[b]);
                string w = word.ToString();
                counts[w] = counts.GetValueOrDefault(w) + 1;
            }
        return counts;
    }

    private static void Merge(List<string> s, string a, string b)
    {
        for (int i = 0; i + 1 < s.Count; i++)
            if (s[i] == a && s[i + 1] == b)
            {
                s[i] = a + b;
                s.RemoveAt(i + 1);
            }
    }
}
