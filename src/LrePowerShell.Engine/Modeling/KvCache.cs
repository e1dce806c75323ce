using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>Keys and values of the positions already run, per layer, so a continuation runs only
/// its new tokens. Owned by the caller; disposing it frees the tensors.</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys, _values;

    public KvCache(int layers) { _keys = new Tensor?[layers]; _values = new Tensor?[layers]; }

    /// <summary>A frozen cache is read but never extended: several continuations (and batches of
    /// them) can reuse one prefix. Its single batch row is broadcast to the continuation's batch.</summary>
    public bool Frozen { get; private set; }

    public void Freeze() => Frozen = true;

    /// <summary>Number of sequence positions cached (padding included).</summary>
    public long Length { get; private set; }

    /// <summary>Padding mask [B, Length] of the cached positions (1 = real token), or null if none.</summary>
    public Tensor? AttentionMask { get; internal set; }

    /// <summary>Appends this step's k, v [B, kvH, T, hd] to layer <paramref name="layer"/> and returns the whole.</summary>
    internal (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        var oldK = _keys[layer]; var oldV = _values[layer];
        if (Frozen)
        {
            if (oldK is null) return (k, v);
            var shape = new[] { k.shape[0], oldK.shape[1], oldK.shape[2], oldK.shape[3] };
            return (cat(new[] { oldK.expand(shape), k }, 2), cat(new[] { oldV!.expand(shape), v }, 2));
        }
        var newK = oldK is null ? k.alias() : cat(new[] { oldK, k }, 2);
        var newV = oldV is null ? v.alias() : cat(new[] { oldV, v }, 2);
        oldK?.Dispose(); oldV?.Dispose();
        _keys[layer] = newK.DetachFromDisposeScope();
        _values[layer] = newV.DetachFromDisposeScope();
        return (newK, newV);
    }

    internal void Advance(long steps)
    {
        if (!Frozen) Length += steps;
    }

    public void Dispose()
    {
        for (int i = 0; i < _keys.Length; i++) { _keys[i]?.Dispose(); _values[i]?.Dispose(); _keys[i] = _values[i] = null; }
        AttentionMask?.Dispose();
        AttentionMask = null;
    }
}
