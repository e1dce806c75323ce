using LrePowerShell.Engine.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>What one forward pass should do beyond the plain logits.</summary>
public sealed class ForwardOptions
{
    /// <summary>[B, T] 1 for real tokens, 0 for (left) padding; null when every row is full.</summary>
    public Tensor? AttentionMask { get; init; }
    public ResidualHooks? Hooks { get; init; }
    public KvCache? Cache { get; init; }
    /// <summary>Stop after the deepest hooked layer and return no logits (hidden-state reads).</summary>
    public bool StopAtDeepestHook { get; init; }
    /// <summary>Compute logits at the last position only.</summary>
    public bool LastPositionOnly { get; init; }
    /// <summary>The last block computes its output at the last position only (its keys and values still
    /// cover every position, for the cache): hooks on it see [B, 1, D]. For callers that read nothing else
    /// of the last block; with <see cref="LastPositionOnly"/> it saves most of a block.</summary>
    public bool LastBlockAtLastPositionOnly { get; init; }
    /// <summary>Start from the given output of block <see cref="ResumeLayer"/> [B, T, D] instead of the
    /// embeddings: blocks up to it are skipped (their result is known), its hooks still run.</summary>
    public Tensor? ResumeHidden { get; init; }
    public int ResumeLayer { get; init; } = -1;
    /// <summary>Every batch row holds the same values (the Jacobian's copies, which differ only in their
    /// autograd graph): projections multiply row 0 once and broadcast it (<see cref="SharedRowsProjection"/>).</summary>
    public bool RowsIdentical { get; init; }
}

/// <summary>
/// The one decoder behind every supported architecture, configured by a <see cref="DecoderSpec"/>
/// the way HF's modeling files read: embeddings → blocks (each hookable) → final norm → head.
/// </summary>
public sealed class Decoder
{
    private readonly DecoderSpec _s;
    private readonly ModelWeights _w;
    private readonly float[]? _globalInvFreq, _localInvFreq;

    public Decoder(DecoderSpec spec, ModelWeights weights)
    {
        _s = spec; _w = weights;
        if (spec.Rope != RopeKind.None)
        {
            _globalInvFreq = Rope.InverseFrequencies(spec.GlobalRope!, spec.RotaryDim);
            _localInvFreq = spec.LocalRope is null ? _globalInvFreq : Rope.InverseFrequencies(spec.LocalRope, spec.RotaryDim);
        }
    }

    /// <summary>Runs <paramref name="inputIds"/> [B, T]. Returns logits [B, T or 1, V] in fp32, or null
    /// when <see cref="ForwardOptions.StopAtDeepestHook"/> ended the pass early.</summary>
    public Tensor? Forward(Tensor inputIds, ForwardOptions? options = null)
    {
        options ??= new ForwardOptions();
        using var scope = NewDisposeScope();
        long batch = inputIds.shape[0], steps = inputIds.shape[1];
        long past = options.Cache?.Length ?? 0;
        var device = _w.Embedding.device;

        // Padding mask over all key positions (cached + new) and position ids from it.
        Tensor? keyMask = options.AttentionMask;
        if (options.Cache is { } cache)
        {
            if (cache.AttentionMask is not null || keyMask is not null)
            {
                var pastMask = cache.AttentionMask ?? ones(batch, past, dtype: ScalarType.Int64, device: device);
                var newMask = keyMask ?? ones(batch, steps, dtype: ScalarType.Int64, device: device);
                keyMask = cat(new[] { pastMask.to(ScalarType.Int64), newMask.to(ScalarType.Int64) }, 1);
                cache.AttentionMask?.Dispose();
                cache.AttentionMask = keyMask.alias().DetachFromDisposeScope();
            }
        }
        Tensor positions = keyMask is null
            ? arange(past, past + steps, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand(batch, steps)
            : (keyMask.to(ScalarType.Int64).cumsum(1) - 1).clamp_min(0).narrow(1, past, steps);

        int first = 0;
        Tensor x;
        if (options.ResumeHidden is { } resume)
        {
            first = options.ResumeLayer + 1;
            x = resume;
            if (options.Hooks is { } hr) x = hr.OnBlockOutput(options.ResumeLayer, x);
        }
        else
        {
            x = Lookup(_w.Embedding, inputIds);
            if (_s.LearnedPositions) x = x + Lookup(_w.PositionEmbedding!, positions);
            if (_s.ScaleEmbeddings)
                x = x * tensor(Math.Sqrt(_s.HiddenSize), dtype: ScalarType.Float64).to(x.dtype);   // √hidden rounded to the compute dtype, as HF
            if (options.Hooks is { } h) x = h.OnBlockOutput(ResidualHooks.EmbeddingLayer, x);
        }

        var (cosG, sinG, cosL, sinL) = RopeTables(positions);
        // The fused kernel takes the bias in the compute dtype; the soft-capped path adds it to fp32 scores.
        var biasType = _s.AttnSoftcap is null ? x.dtype : ScalarType.Float32;
        var fullMask = AttentionBias(batch, steps, past, keyMask, null, biasType, device);
        var slidingMask = _s.SlidingWindow is { } window && _s.SlidingLayers.Any(b => b)
            ? AttentionBias(batch, steps, past, keyMask, window, biasType, device) : fullMask;
        // No padding and no cache: the causal triangle is the whole mask, which the fused kernel applies
        // itself, skipping the blocks above the diagonal.
        bool causalOnly = keyMask is null && past == 0;

        int last = options.StopAtDeepestHook && options.Hooks is { } h0 ? h0.DeepestLayer : _s.LayerCount - 1;
        for (int i = first; i <= last && i < _s.LayerCount; i++)
        {
            bool sliding = _s.SlidingLayers[i];
            var mask = new AttentionMask(sliding ? slidingMask : fullMask, causalOnly && !sliding);
            var pass = new BlockPass(options.RowsIdentical && batch > 1, options.LastBlockAtLastPositionOnly && i == _s.LayerCount - 1);
            x = Block(i, x, mask, sliding ? cosL : cosG, sliding ? sinL : sinG, options.Cache, pass);
            if (options.Hooks is { } hooks) x = hooks.OnBlockOutput(i, x);
        }
        options.Cache?.Advance(steps);
        if (options.StopAtDeepestHook) return null;

        if (options.LastPositionOnly) x = x.narrow(1, x.shape[1] - 1, 1);
        var logits = Logits(x);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Rows of a [N, D] table for ids [B, T]: [B, T, D].</summary>
    private static Tensor Lookup(Tensor table, Tensor ids) =>
        table.index_select(0, ids.flatten()).view(ids.shape[0], ids.shape[1], table.shape[1]);

    /// <summary>Final norm, head and final soft-capping of block outputs [.., D]; fp32 logits.</summary>
    public Tensor Logits(Tensor blockOutput)
    {
        using var scope = NewDisposeScope();
        var normed = Norms.Apply(blockOutput, _w.FinalNorm, _s.Norm, _s.NormEps);
        var logits = _w.Head.Forward(normed).to(ScalarType.Float32);
        if (_s.FinalSoftcap is { } cap) logits = (logits / cap).tanh() * cap;
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Row <paramref name="id"/> of the input embedding.</summary>
    public Tensor EmbeddingRow(long id) => _w.Embedding[id];

    /// <summary>The unembedding matrix W_U [V, D] (the head's weight; the embedding when tied).</summary>
    public Tensor Unembedding => _w.Head.Weight;

    /// <summary>The final norm alone (what HF's last hidden state is).</summary>
    public Tensor FinalNorm(Tensor blockOutput) => Norms.Apply(blockOutput, _w.FinalNorm, _s.Norm, _s.NormEps);

    private (Tensor? CosG, Tensor? SinG, Tensor? CosL, Tensor? SinL) RopeTables(Tensor positions)
    {
        if (_globalInvFreq is null) return (null, null, null, null);
        var (cg, sg) = Rope.Angles(_globalInvFreq, positions);
        if (ReferenceEquals(_localInvFreq, _globalInvFreq)) return (cg, sg, cg, sg);
        var (cl, sl) = Rope.Angles(_localInvFreq!, positions);
        return (cg, sg, cl, sl);
    }

    /// <summary>Additive mask [B, 1, T, past+T] in <paramref name="dtype"/>: 0 where query t may see key j
    /// (causal, inside the window W: j > t − W, not padding), the dtype's most negative finite number
    /// elsewhere (not −inf, so a padded query row stays finite, as in HF).</summary>
    private static Tensor AttentionBias(long batch, long steps, long past, Tensor? keyMask, int? window, ScalarType dtype, Device device)
    {
        var q = arange(past, past + steps, dtype: ScalarType.Int64, device: device).unsqueeze(1);
        var k = arange(0, past + steps, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var allowed = k.le(q);
        if (window is { } w) allowed = allowed.logical_and(k.gt(q - w));
        var allowedB = allowed.unsqueeze(0).unsqueeze(0);                         // [1, 1, T, K]
        if (keyMask is not null) allowedB = allowedB.logical_and(keyMask.to(ScalarType.Bool).view(batch, 1, 1, past + steps));
        return zeros(1, dtype: dtype, device: device).masked_fill(allowedB.logical_not(), finfo(dtype).min)
            .expand(batch, 1, steps, past + steps);
    }

    private Tensor Block(int i, Tensor x, AttentionMask mask, Tensor? cos, Tensor? sin, KvCache? cache, BlockPass pass)
    {
        var w = _w.Layers[i];
        var h = Norms.Apply(x, w.AttnNorm, _s.Norm, _s.NormEps);
        var attn = Attention(i, w, h, mask, cos, sin, cache, pass);
        bool sharedRows = pass.SharedRows;
        if (pass.LastPositionOnly) (x, h) = (x.narrow(1, x.shape[1] - 1, 1), h.narrow(1, h.shape[1] - 1, 1));
        switch (_s.Layout)
        {
            case BlockLayout.Parallel:
                return x + attn + Mlp(w, h, sharedRows);
            case BlockLayout.Sandwich:
                x = x + Norms.Apply(attn, w.PostAttnNorm!, _s.Norm, _s.NormEps);
                var m = Mlp(w, Norms.Apply(x, w.MlpNorm!, _s.Norm, _s.NormEps), sharedRows);
                return x + Norms.Apply(m, w.PostMlpNorm!, _s.Norm, _s.NormEps);
            default:
                x = x + attn;
                return x + Mlp(w, Norms.Apply(x, w.MlpNorm!, _s.Norm, _s.NormEps), sharedRows);
        }
    }

    private static Tensor Project(Linear linear, Tensor x, bool sharedRows) =>
        sharedRows ? SharedRowsProjection.Apply(linear, x) : linear.Forward(x);

    private Tensor Mlp(LayerWeights w, Tensor h, bool sharedRows)
    {
        if (w.Gate is not null) return Project(w.Down, Activate(Project(w.Gate, h, sharedRows)) * Project(w.Up, h, sharedRows), sharedRows);
        return Project(w.Down, Activate(Project(w.Up, h, sharedRows)), sharedRows);
    }

    private Tensor Activate(Tensor x) => _s.Activation == Activation.Silu
        ? nn.functional.silu(x)
        : nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh);

    /// <summary>Attention of the block input h [B, T, D]: [B, T, D], or [B, 1, D] for the last query alone.</summary>
    private Tensor Attention(int layer, LayerWeights w, Tensor h, AttentionMask mask, Tensor? cos, Tensor? sin, KvCache? cache, BlockPass pass)
    {
        long b = h.shape[0], t = h.shape[1];
        bool sharedRows = pass.SharedRows, lastOnly = pass.LastPositionOnly;
        long tq = lastOnly ? 1 : t;                                                   // queries; keys and values: all t
        int heads = _s.HeadCount, kvHeads = _s.KvHeadCount, hd = _s.HeadDim;
        Tensor q, k, v;
        if (w.Qkv is not null)
        {
            var parts = Project(w.Qkv, h, sharedRows).split(new long[] { heads * hd, kvHeads * hd, kvHeads * hd }, -1);
            (q, k, v) = (parts[0].narrow(1, t - tq, tq), parts[1], parts[2]);
        }
        else (q, k, v) = (Project(w.Q!, h.narrow(1, t - tq, tq), sharedRows), Project(w.K!, h, sharedRows), Project(w.V!, h, sharedRows));

        q = q.view(b, tq, heads, hd).transpose(1, 2);                              // [B, H, Tq, hd]
        k = k.view(b, t, kvHeads, hd).transpose(1, 2);
        v = v.view(b, t, kvHeads, hd).transpose(1, 2);
        if (w.QNorm is not null) q = Norms.Apply(q, w.QNorm, _s.Norm, _s.NormEps);   // per head, before RoPE
        if (w.KNorm is not null) k = Norms.Apply(k, w.KNorm, _s.Norm, _s.NormEps);
        if (cos is not null)
        {
            q = Rope.Apply(q, cos.narrow(2, t - tq, tq), sin!.narrow(2, t - tq, tq), _s.Rope, _s.RotaryDim);
            k = Rope.Apply(k, cos, sin!, _s.Rope, _s.RotaryDim);
        }
        // the last query's row of the mask; with no padding and no cache it sees every key
        var bias = lastOnly ? mask.Bias.narrow(2, t - 1, 1) : mask.Bias;
        bool causal = mask.CausalOnly && !lastOnly, unmasked = mask.CausalOnly && lastOnly;
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        if (kvHeads != heads) (k, v) = (SharedKv(k, heads), SharedKv(v, heads));

        Tensor o;
        if (_s.AttnSoftcap is { } cap)
        {
            // Gemma 2's soft-capping sits between q·k and the softmax, which the fused kernel has no
            // place for. Scores in fp32 (softmax is fp32 in HF), probabilities cast back.
            var scores = q.matmul(k.transpose(2, 3)).to(ScalarType.Float32) * _s.AttentionScale;
            scores = (scores / cap).tanh() * cap;                                    // before the mask
            o = (scores + bias).softmax(-1).to(v.dtype).matmul(v);
        }
        else
        {
            // One fused kernel (q·k, mask, fp32 softmax, ·v) instead of four passes over [B, H, T, K].
            // It scales by 1/√hd itself and takes no other scale in TorchSharp: q carries the rest.
            double rescale = _s.AttentionScale * Math.Sqrt(hd);
            if (Math.Abs(rescale - 1) > 1e-12) q = q * rescale;
            o = nn.functional.scaled_dot_product_attention(q, k, v, causal || unmasked ? null : bias, 0, causal);
        }
        return Project(w.O, o.transpose(1, 2).reshape(b, tq, heads * hd), sharedRows);
    }

    /// <summary>GQA: kv [B, kvH, T, hd] as [B, H, T, hd], kv head j serving query heads j·g … j·g + g − 1.</summary>
    private static Tensor SharedKv(Tensor kv, int heads)
    {
        long b = kv.shape[0], kvHeads = kv.shape[1], t = kv.shape[2], hd = kv.shape[3];
        return kv.unsqueeze(2).expand(b, kvHeads, heads / kvHeads, t, hd).reshape(b, heads, t, hd);
    }
}

/// <summary>What a block's attention may see: the additive <see cref="Bias"/>, and whether it is only the
/// causal triangle (no padding, no cache, no window), which the fused kernel can apply by itself.</summary>
internal readonly record struct AttentionMask(Tensor Bias, bool CausalOnly);

/// <summary>How a block runs: projections shared by identical rows (<see cref="ForwardOptions.RowsIdentical"/>),
/// and whether only the last position's output is computed.</summary>
internal readonly record struct BlockPass(bool SharedRows, bool LastPositionOnly);
