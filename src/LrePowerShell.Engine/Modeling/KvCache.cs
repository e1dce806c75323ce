using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>Keys and values of the positions already run, per layer, so a continuation runs only
/// its new tokens. Owned by the caller; disposing it frees the tensors.</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys, _values;

    public KvCache(int layers) { _keys = new Tensor?[layers]; _values = new Tensor?[layers]; }

    /// <summary>Number of sequence positions cached (padding included).</summary>
    public long Length { get; private set; }

    /// <summary>Padding mask [B, Length] of the cached positions (1 = real token), or null if none.</summary>
    public Tensor? AttentionMask { get; internal set; }

    /// <summary>Appends this step's k, v [B, kvH, T, hd] to layer <paramref name="layer"/> and returns the whole.</summary>
    internal (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        var oldK = _keys[layer]; var oldV = _values[layer];
        var newK = oldK is null ? k.alias() : cat(new[] { oldK, k }, 2);
        var newV = oldV is null ? v.alias() : cat(new[] { oldV, v }, 2);
        oldK?.Dispose(); oldV?.Dispose();
        _keys[layer] = newK.DetachFromDisposeScope();
        _values[layer] = newV.DetachFromDisposeScope();
        return (newK, newV);
    }

    internal void Advance(long steps) => Length += steps;

    public void Dispose()
    {
        for (int i = 0; i < _keys.Length; i++) { _keys[i]?.Dispose(); _values[i]?.Dispose(); _keys[i] = _values[i] = null; }
        AttentionMask?.Dispose();
        AttentionMask = null;
    }
}
