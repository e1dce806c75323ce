using System.Collections.Concurrent;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>One token of a BPE word: vocabulary id and the [Start, Start + Length) characters of the word it covers.</summary>
internal readonly record struct BpeToken(int Id, int Start, int Length);

/// <summary>
/// Rank-based BPE as HF <c>tokenizers</c> runs it (models/bpe/word.rs): each character of the word is a
/// symbol; repeatedly apply the merge of lowest rank (leftmost on ties) until none applies. Written by hand
/// because Microsoft.ML.Tokenizers' BPE/CodeGen tokenizers are not exact for GPT-2 (README §18), have no
/// <c>ignore_merges</c>, and cannot map offsets through an NFC normalizer to the original text.
/// Results are cached per word (pre-token): prompts repeat words constantly.
/// </summary>
internal sealed class BpeMerger
{
    private const int CacheLimit = 200_000;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(int, int), (int Rank, int NewId)> _merges;
    private readonly bool _ignoreMerges;
    private readonly int? _unkId;
    private readonly ConcurrentDictionary<string, BpeToken[]> _cache = new(StringComparer.Ordinal);

    /// <param name="merges">Merge pairs in rank order.</param>
    /// <param name="fileName">Named in the error for a merge whose parts are not in the vocabulary.</param>
    public BpeMerger(Dictionary<string, int> vocab, IEnumerable<(string A, string B)> merges, bool ignoreMerges, string? unkToken, string fileName)
    {
        _vocab = vocab;
        _ignoreMerges = ignoreMerges;
        if (unkToken != null && vocab.TryGetValue(unkToken, out var unk)) _unkId = unk;
        _merges = new Dictionary<(int, int), (int, int)>();
        int rank = 0;
        foreach (var (a, b) in merges)
        {
            if (!vocab.TryGetValue(a, out var ia) || !vocab.TryGetValue(b, out var ib) || !vocab.TryGetValue(a + b, out var merged))
                throw TokenizerErrors.Invalid(fileName, $"merge \"{a} {b}\" (rank {rank}) uses a token that is not in the vocabulary");
            _merges[(ia, ib)] = (rank, merged); // a repeated pair keeps its last rank, as HF's HashMap collect does
            rank++;
        }
    }

    public int MergeCount => _merges.Count;

    public BpeToken[] Encode(string word)
    {
        if (_cache.TryGetValue(word, out var cached)) return cached;
        var result = Compute(word);
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache.TryAdd(word, result);
        return result;
    }

    private BpeToken[] Compute(string word)
    {
        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole)) return [new BpeToken(whole, 0, word.Length)];

        int n = word.Length;
        var ids = new int[n];
        var starts = new int[n];
        var ends = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            int len = char.IsHighSurrogate(word[i]) && i + 1 < n && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            if (_vocab.TryGetValue(word.Substring(i, len), out var id) || (_unkId is int u && (id = u) >= 0))
            {
                ids[count] = id;
                starts[count] = i;
                ends[count] = i + len;
                count++;
            } // else: no unk token → HF drops the character
            i += len - 1;
        }

        var next = new int[count];
        var prev = new int[count];
        var alive = new bool[count];
        for (int i = 0; i < count; i++) { prev[i] = i - 1; next[i] = i + 1 < count ? i + 1 : -1; alive[i] = true; }

        var queue = new PriorityQueue<(int Pos, int NewId), (int Rank, int Pos)>();
        for (int i = 0; i + 1 < count; i++)
            if (_merges.TryGetValue((ids[i], ids[i + 1]), out var m)) queue.Enqueue((i, m.NewId), (m.Rank, i));

        while (queue.TryDequeue(out var top, out _))
        {
            int p = top.Pos;
            if (!alive[p] || next[p] < 0) continue;
            int q = next[p];
            if (!_merges.TryGetValue((ids[p], ids[q]), out var m) || m.NewId != top.NewId) continue; // stale
            ids[p] = m.NewId;
            ends[p] = ends[q];
            alive[q] = false;
            next[p] = next[q];
            if (next[q] >= 0) prev[next[q]] = p;
            if (prev[p] >= 0 && _merges.TryGetValue((ids[prev[p]], ids[p]), out var left)) queue.Enqueue((prev[p], left.NewId), (left.Rank, prev[p]));
            if (next[p] >= 0 && _merges.TryGetValue((ids[p], ids[next[p]]), out var right)) queue.Enqueue((p, right.NewId), (right.Rank, p));
        }

        var result = new List<BpeToken>(count);
        for (int i = count > 0 ? 0 : -1; i >= 0; i = next[i]) result.Add(new BpeToken(ids[i], starts[i], ends[i] - starts[i]));
        return result.ToArray();
    }
}
