using LrePowerShell.Engine.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Loading;

/// <summary>
/// The weights of a model folder: one <c>model.safetensors</c> or the shards listed by
/// <c>model.safetensors.index.json</c>. Resolves hub-style names (old GPT-2 checkpoints have no
/// <c>transformer.</c> prefix) and hands out each tensor checked against the shape the config implies,
/// converted to the compute dtype and device.
/// </summary>
public sealed class WeightStore : IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> _byTensor = new(StringComparer.Ordinal);
    private readonly List<SafetensorsFile> _files = new();

    public string Folder { get; }

    private WeightStore(string folder) { Folder = folder; }

    public static WeightStore Open(string folder)
    {
        var store = new WeightStore(folder);
        try
        {
            string single = Path.Combine(folder, "model.safetensors");
            string index = Path.Combine(folder, ShardIndex.FileName);
            if (File.Exists(single)) store.Add(SafetensorsFile.Open(single));
            else if (File.Exists(index)) store.AddShards(index);
            else
            {
                bool pickle = File.Exists(Path.Combine(folder, "pytorch_model.bin")) || Directory.EnumerateFiles(folder, "pytorch_model*.bin").Any();
                throw new LreException("WeightsFileMissing", LreErrorKind.NotFound, pickle
                    ? $"'{folder}' has only PyTorch pickle weights (pytorch_model*.bin). They are not loaded because unpickling can run arbitrary code; convert them to safetensors (e.g. with the Hugging Face 'convert' space or safetensors.torch.save_file) and try again."
                    : $"'{folder}' has no model.safetensors or model.safetensors.index.json.");
            }
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private void AddShards(string indexPath)
    {
        foreach (var shard in ShardIndex.ReadShardNames(indexPath))
        {
            string full = Path.Combine(Folder, shard);
            if (!File.Exists(full))
                throw new LreException("WeightsFileMissing", LreErrorKind.NotFound, $"The shard '{shard}' listed in '{indexPath}' does not exist.");
            Add(SafetensorsFile.Open(full));
        }
    }

    private void Add(SafetensorsFile file)
    {
        _files.Add(file);
        foreach (var name in file.Entries.Keys) _byTensor[name] = file;
    }

    /// <summary>The name as stored: exact, or without a leading <c>transformer.</c> / <c>model.</c>.</summary>
    public string? Resolve(string name)
    {
        if (_byTensor.ContainsKey(name)) return name;
        int dot = name.IndexOf('.');
        if (dot > 0 && name[..dot] is "transformer" or "model" && _byTensor.ContainsKey(name[(dot + 1)..])) return name[(dot + 1)..];
        return null;
    }

    public bool Contains(string name) => Resolve(name) != null;

    /// <summary>Loads a tensor the architecture needs; its shape must be <paramref name="shape"/>.</summary>
    public Tensor Take(string name, long[] shape, ScalarType dtype, Device device)
    {
        string stored = Resolve(name) ?? throw new LreException("WeightMissing", LreErrorKind.InvalidData,
            $"The weights in '{Folder}' have no tensor '{name}', which the configuration needs.");
        var file = _byTensor[stored];
        var entry = file.Entries[stored];
        if (!entry.Shape.SequenceEqual(shape))
            throw new LreException("WeightShapeMismatch", LreErrorKind.InvalidData,
                $"Tensor '{name}' in '{file.Path}' has shape [{string.Join(", ", entry.Shape)}] but the configuration implies [{string.Join(", ", shape)}].");
        var st = file.StoredType(stored);
        if (!st.IsFloatingPoint())
            throw new LreException("WeightDTypeUnsupported", LreErrorKind.InvalidData, $"Tensor '{name}' is {entry.DType}; weights must be floating point.");
        if (st == dtype && device.type == DeviceType.CPU) return file.Read(stored);   // zero-copy: stays mapped
        return file.ReadConverted(stored, dtype, device);
    }

    /// <summary>The dtype the file stores a tensor in, or null when absent.</summary>
    public string? StoredDType(string name) => Resolve(name) is { } s ? _byTensor[s].Entries[s].DType : null;

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
        _files.Clear();
        _byTensor.Clear();
    }
}
