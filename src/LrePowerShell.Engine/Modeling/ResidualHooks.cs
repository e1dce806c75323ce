using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>
/// The one place that reads or overwrites the residual stream (the output of a decoder block,
/// before the final norm) — this project's baukit <c>TraceDict</c>. The decoder calls
/// <see cref="OnBlockOutput"/> after every block; hidden-state reads, Jacobians and edits are all
/// built from the hooks here.
/// </summary>
public sealed class ResidualHooks : IDisposable
{
    /// <summary>The layer number of the embedding output (the input of block 0, HF's hidden_states[0]).</summary>
    public const int EmbeddingLayer = -1;

    private readonly List<(int Layer, Func<Tensor, Tensor?> Hook)> _hooks = new();
    private readonly Dictionary<int, Tensor> _captured = new();

    /// <summary>The deepest layer any hook needs: the forward pass can stop after it.</summary>
    public int DeepestLayer => _hooks.Count == 0 ? -1 : _hooks.Max(h => h.Layer);

    /// <summary>Keeps a copy of the block output [B, T, D] of <paramref name="layer"/> (detached unless
    /// <paramref name="keepGraph"/>): read it back with <see cref="Captured"/>.</summary>
    public ResidualHooks Capture(int layer, bool keepGraph = false)
    {
        _hooks.Add((layer, x =>
        {
            var kept = keepGraph ? x.alias() : x.detach();
            if (_captured.Remove(layer, out var old)) old.Dispose();
            _captured[layer] = kept.DetachFromDisposeScope();
            return null;
        }));
        return this;
    }

    /// <summary>Overwrites the block output of <paramref name="layer"/> at sequence index
    /// <paramref name="position"/> with <paramref name="vector"/> [D] (or [B, D]) for every batch row;
    /// other positions keep their values.</summary>
    public ResidualHooks Replace(int layer, long position, Tensor vector)
    {
        _hooks.Add((layer, x =>
        {
            var mask = zeros(new[] { 1L, x.shape[1], 1L }, ScalarType.Bool, x.device);
            mask[0, position, 0] = tensor(true);
            var v = vector.dim() == 1 ? vector.view(1, 1, -1) : vector.unsqueeze(1);
            return where(mask, v.to(x.dtype), x);
        }));
        return this;
    }

    /// <summary>Adds <paramref name="delta"/>[b] [B, D] to the block output of <paramref name="layer"/> at
    /// sequence index <paramref name="positions"/>[b] of each batch row b (an edit of h).</summary>
    public ResidualHooks AddAt(int layer, Tensor positions, Tensor delta)
    {
        _hooks.Add((layer, x =>
        {
            var onehot = nn.functional.one_hot(positions.to(x.device), x.shape[1]).to(x.dtype).unsqueeze(-1);   // [B, T, 1]
            return x + onehot * delta.to(x.dtype).unsqueeze(1);
        }));
        return this;
    }

    /// <summary>Adds a general hook: it receives the block output and returns a replacement or null.</summary>
    public ResidualHooks Add(int layer, Func<Tensor, Tensor?> hook)
    {
        _hooks.Add((layer, hook));
        return this;
    }

    public Tensor Captured(int layer) => _captured.TryGetValue(layer, out var t) ? t
        : throw new InvalidOperationException($"Layer {layer} was not captured by this forward pass.");

    internal Tensor OnBlockOutput(int layer, Tensor x)
    {
        foreach (var (l, hook) in _hooks)
        {
            if (l != layer) continue;
            var replaced = hook(x);
            if (replaced is not null) x = replaced;
        }
        return x;
    }

    public void Dispose()
    {
        foreach (var t in _captured.Values) t.Dispose();
        _captured.Clear();
    }
}
