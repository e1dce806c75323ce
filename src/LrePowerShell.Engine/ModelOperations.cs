using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Modeling;
using LrePowerShell.Engine.Native;
using LrePowerShell.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine;

/// <summary>The model operations behind the cmdlets: tokenize, read hidden states, predict, generate.
/// Prompts run in left-padded batches; results come back as plain .NET values.</summary>
public static class ModelOperations
{
    /// <summary>At most this many prompts per forward pass: a 38-prompt relation runs as one batch, 15-20 %
    /// faster than in batches of 16 (the bench, GPT-2-small).</summary>
    public const int MaxBatchRows = 64;

    /// <summary>At most this many positions (rows × longest row) per forward pass, which bounds the
    /// activations of long prompts: GPT-J's widest one is then 256 MB in fp32.</summary>
    public const int MaxBatchTokens = 4096;

    /// <summary>Consecutive ranges of <paramref name="lengths"/> (token counts, in order) that make one
    /// left-padded batch each, within <see cref="MaxBatchRows"/> and <see cref="MaxBatchTokens"/>.</summary>
    public static IEnumerable<Range> Batches(IReadOnlyList<int> lengths)
    {
        for (int start = 0; start < lengths.Count;)
        {
            int end = start + 1, width = lengths[start];
            while (end < lengths.Count && end - start < MaxBatchRows && (end - start + 1) * (long)Math.Max(width, lengths[end]) <= MaxBatchTokens)
                width = Math.Max(width, lengths[end++]);
            yield return start..end;
            start = end;
        }
    }

    /// <summary>Encodes a prompt. An empty prompt is fine where the tokenizer adds a BOS (the model
    /// then predicts from BOS alone, as run.c does); without one there is nothing to run.</summary>
    public static IReadOnlyList<TokenPiece> Tokenize(this LanguageModel model, string prompt)
    {
        model.ThrowIfDisposed();
        var tokens = model.Tokenizer.Encode(prompt ?? "");
        if (tokens.Count == 0)
            throw new LreException("EmptyPrompt", LreErrorKind.InvalidArgument,
                "The prompt is empty and this tokenizer adds no BOS token: there is no token to read or predict from.");
        return tokens;
    }

    /// <summary>The token index (BOS counted) that holds the last character of the last occurrence of
    /// <paramref name="subject"/> in <paramref name="prompt"/>.</summary>
    public static int SubjectLastToken(IReadOnlyList<TokenPiece> tokens, string prompt, string subject)
    {
        int at = string.IsNullOrEmpty(subject) ? -1 : prompt.LastIndexOf(subject, StringComparison.Ordinal);
        if (at < 0)
            throw new LreException("SubjectNotFound", LreErrorKind.InvalidArgument, $"The subject '{subject}' does not occur in the prompt '{prompt}'.");
        int lastChar = at + subject.Length - 1;
        for (int t = tokens.Count - 1; t >= 0; t--)
            if (tokens[t].Start <= lastChar && lastChar < tokens[t].End) return t;
        throw new LreException("SubjectNotFound", LreErrorKind.InvalidArgument, $"No token of '{prompt}' covers the end of the subject '{subject}'.");
    }

    public static IReadOnlyList<HiddenStateResult> HiddenStates(this LanguageModel model, IReadOnlyList<string> prompts,
        IReadOnlyList<int> layers, PositionSelector position, CancellationToken cancel = default)
    {
        using var trim = HeapTrim.AfterOperation();
        var results = new List<HiddenStateResult>();
        var encoded = Encode(model, prompts);
        foreach (var range in Batches(encoded.Select(e => e.Tokens.Count).ToArray()))
        {
            cancel.ThrowIfCancellationRequested();
            var chunk = encoded[range];
            using var scope = NewDisposeScope();
            using var hooks = new ResidualHooks();
            foreach (var l in layers.Distinct()) hooks.Capture(l);
            var (ids, mask, pad) = Batch(model, chunk.Select(c => c.Tokens).ToArray());
            using (no_grad()) model.Decoder.Forward(ids, new ForwardOptions { AttentionMask = mask, Hooks = hooks, StopAtDeepestHook = true });
            for (int b = 0; b < chunk.Length; b++)
            {
                var (prompt, tokens) = chunk[b];
                var positions = Positions(tokens, prompt, position);
                foreach (int layer in layers)
                {
                    var states = hooks.Captured(layer)[b];
                    foreach (int t in positions)
                    {
                        float[] v = states[pad[b] + t].to(ScalarType.Float32).cpu().data<float>().ToArray();
                        results.Add(new HiddenStateResult(prompt, layer, model.Architecture.BlockName(layer), t, tokens[t].Id, tokens[t].Token, v));
                    }
                }
            }
        }
        return results;
    }

    public static IReadOnlyList<PredictionResult> Predict(this LanguageModel model, IReadOnlyList<string> prompts, int top, CancellationToken cancel = default)
    {
        using var trim = HeapTrim.AfterOperation();
        if (top < 1) throw new LreException("TopOutOfRange", LreErrorKind.InvalidArgument, "-Top must be at least 1.");
        top = Math.Min(top, model.Spec.VocabSize);
        var results = new List<PredictionResult>();
        var encoded = Encode(model, prompts);
        foreach (var range in Batches(encoded.Select(e => e.Tokens.Count).ToArray()))
        {
            cancel.ThrowIfCancellationRequested();
            var chunk = encoded[range];
            using var scope = NewDisposeScope();
            var (ids, mask, _) = Batch(model, chunk.Select(c => c.Tokens).ToArray());
            Tensor logits;
            using (no_grad()) logits = model.Decoder.Forward(ids, new ForwardOptions { AttentionMask = mask, LastPositionOnly = true, LastBlockAtLastPositionOnly = true })!;
            var last = logits.select(1, 0);                                            // [B, V]
            var probs = last.softmax(-1);
            var (values, indices) = last.topk(top, -1);
            for (int b = 0; b < chunk.Length; b++)
            {
                long[] idx = indices[b].cpu().data<long>().ToArray();
                float[] val = values[b].cpu().data<float>().ToArray();
                float[] p = probs[b].index_select(0, indices[b]).cpu().data<float>().ToArray();
                for (int r = 0; r < idx.Length; r++)
                    results.Add(new PredictionResult(chunk[b].Prompt, r + 1, (int)idx[r], model.TokenText((int)idx[r]), val[r], p[r]));
            }
        }
        return results;
    }

    /// <summary>Greedy decoding with a KV cache; stops after <paramref name="maxNewTokens"/> or at EOS.
    /// <paramref name="progress"/> (optional) is called with the number of tokens generated so far.</summary>
    public static GenerationResult Generate(this LanguageModel model, string prompt, int maxNewTokens, bool stopAtEos = true,
        CancellationToken cancel = default, Action<int>? progress = null)
    {
        using var trim = HeapTrim.AfterOperation();
        if (maxNewTokens < 0) throw new LreException("MaxNewTokensOutOfRange", LreErrorKind.InvalidArgument, "-MaxNewTokens cannot be negative.");
        var tokens = model.Tokenize(prompt);
        int? eos = model.Tokenizer.EosTokenId ?? model.Spec.EosTokenId;
        if (model.Spec.MaxPositions > 0 && tokens.Count + maxNewTokens > model.Spec.MaxPositions && model.Spec.LearnedPositions)
            throw new LreException("SequenceTooLong", LreErrorKind.InvalidArgument,
                $"{tokens.Count} prompt tokens + {maxNewTokens} new tokens exceed this model's {model.Spec.MaxPositions} positions.");
        var generated = new List<int>();
        using var cache = new KvCache(model.Spec.LayerCount);
        using var _ = no_grad();
        var next = tokens.Select(t => (long)t.Id).ToArray();
        while (generated.Count < maxNewTokens)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var ids = tensor(next, new long[] { 1, next.Length }, device: model.Device);
            var logits = model.Decoder.Forward(ids, new ForwardOptions { Cache = cache, LastPositionOnly = true, LastBlockAtLastPositionOnly = true })!;
            int id = (int)logits[0, 0].argmax().item<long>();
            if (stopAtEos && id == eos) break;
            generated.Add(id);
            progress?.Invoke(generated.Count);
            next = new long[] { id };
        }
        return new GenerationResult(prompt, NewText(model, tokens, generated), generated.ToArray());
    }

    /// <summary>The text the new ids add to the prompt: decode(prompt + new) minus decode(prompt), so a
    /// word-initial space survives (decoding the new ids alone would drop SentencePiece's leading space).</summary>
    private static string NewText(LanguageModel model, IReadOnlyList<TokenPiece> prompt, List<int> generated)
    {
        var promptIds = prompt.Skip(model.Tokenizer.AddsBos ? 1 : 0).Select(t => t.Id).ToList();
        string before = model.Tokenizer.Decode(promptIds);
        string all = model.Tokenizer.Decode(promptIds.Concat(generated).ToList());
        return all.StartsWith(before, StringComparison.Ordinal) ? all[before.Length..] : model.Tokenizer.Decode(generated);
    }

    /// <summary>The text of one token as the tokenizer decodes it alone ("" for padded vocabulary rows).</summary>
    public static string TokenText(this LanguageModel model, int id) =>
        id < model.Tokenizer.Size ? model.Tokenizer.Decode(new[] { id }) : "";

    private static (string Prompt, IReadOnlyList<TokenPiece> Tokens)[] Encode(LanguageModel model, IReadOnlyList<string> prompts)
    {
        model.ThrowIfDisposed();
        return prompts.Select(p => (p, model.Tokenize(p))).ToArray();
    }

    private static int[] Positions(IReadOnlyList<TokenPiece> tokens, string prompt, PositionSelector sel) => sel.Kind switch
    {
        "All" => Enumerable.Range(0, tokens.Count).ToArray(),
        "SubjectLast" => new[] { SubjectLastToken(tokens, prompt, sel.Subject ?? "") },
        "Index" => new[]
        {
            sel.Index >= 0 && sel.Index < tokens.Count ? sel.Index
            : sel.Index < 0 && -sel.Index <= tokens.Count ? tokens.Count + sel.Index
            : throw new LreException("PositionOutOfRange", LreErrorKind.InvalidArgument,
                $"Position {sel.Index} is outside the {tokens.Count} tokens of '{prompt}'."),
        },
        _ => new[] { tokens.Count - 1 },
    };

    /// <summary>Left-pads token lists into ids [B, T] and a mask (null when no row is padded);
    /// pad[b] is how many positions row b was shifted right.</summary>
    internal static (Tensor Ids, Tensor? Mask, int[] Pad) Batch(LanguageModel model, IReadOnlyList<TokenPiece>[] rows)
    {
        int width = rows.Max(r => r.Count);
        if (model.Spec.LearnedPositions && model.Spec.MaxPositions > 0 && width > model.Spec.MaxPositions)
            throw new LreException("SequenceTooLong", LreErrorKind.InvalidArgument,
                $"A prompt has {width} tokens; this model has {model.Spec.MaxPositions} positions.");
        var ids = new long[rows.Length * width];
        var mask = new long[rows.Length * width];
        var pad = new int[rows.Length];
        for (int b = 0; b < rows.Length; b++)
        {
            pad[b] = width - rows[b].Count;
            for (int t = 0; t < rows[b].Count; t++)
            {
                ids[b * width + pad[b] + t] = rows[b][t].Id;
                mask[b * width + pad[b] + t] = 1;
            }
        }
        var idsT = tensor(ids, new long[] { rows.Length, width }, device: model.Device);
        var maskT = pad.Any(p => p > 0) ? tensor(mask, new long[] { rows.Length, width }, device: model.Device) : null;
        return (idsT, maskT, pad);
    }
}
