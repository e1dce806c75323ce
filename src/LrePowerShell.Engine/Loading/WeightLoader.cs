using LrePowerShell.Engine.Modeling;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Loading;

/// <summary>
/// Takes tensors out of a <see cref="WeightStore"/> for an architecture: checks shapes, converts to
/// the compute dtype/device, and records every tensor it hands out (for disposal) and the
/// parameter count of each module path (for Get-LreLayer).
/// </summary>
public sealed class WeightLoader
{
    private readonly WeightStore _store;
    private readonly ScalarType _dtype;
    private readonly Device _device;

    public List<Tensor> Loaded { get; } = new();
    /// <summary>Parameter count per tensor name, in load order.</summary>
    public Dictionary<string, long> ParameterCounts { get; } = new(StringComparer.Ordinal);

    public WeightLoader(WeightStore store, ScalarType dtype, Device device)
    {
        _store = store; _dtype = dtype; _device = device;
    }

    public bool Has(string name) => _store.Contains(name);

    public Tensor Tensor(string name, params long[] shape)
    {
        var t = _store.Take(name, shape, _dtype, _device);
        Loaded.Add(t);
        ParameterCounts[name] = t.NumberOfElements;
        return t;
    }

    /// <summary>nn.Linear: weight [out, in], optional bias [out].</summary>
    public Linear Linear(string prefix, long inFeatures, long outFeatures, bool bias) =>
        new(Tensor(prefix + ".weight", outFeatures, inFeatures), bias ? Tensor(prefix + ".bias", outFeatures) : null);

    /// <summary>GPT-2's Conv1D: weight [in, out] and bias [out].</summary>
    public Linear Conv1D(string prefix, long inFeatures, long outFeatures) =>
        new(Tensor(prefix + ".weight", inFeatures, outFeatures), Tensor(prefix + ".bias", outFeatures), InputMajor: true);

    public NormWeights Norm(string prefix, long dim, bool bias) =>
        new(Tensor(prefix + ".weight", dim), bias ? Tensor(prefix + ".bias", dim) : null);
}
