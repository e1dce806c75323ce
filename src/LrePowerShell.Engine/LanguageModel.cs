using LrePowerShell.Engine.Architectures;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Modeling;
using LrePowerShell.Engine.Native;
using LrePowerShell.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine;

/// <summary>
/// A causal LM loaded from a Hugging Face folder: its configuration, tokenizer, weights and the
/// shared decoder. Operations that cross into PowerShell live in <see cref="ModelOperations"/> and
/// return plain arrays; this class owns the tensors and frees them on Dispose.
/// </summary>
public sealed class LanguageModel : IDisposable
{
    private readonly List<Tensor> _tensors;
    private bool _disposed;

    public string Path { get; }
    public Architecture Architecture { get; }
    public DecoderSpec Spec { get; }
    public ILreTokenizer Tokenizer { get; }
    public Decoder Decoder { get; }
    public Device Device { get; }
    public ScalarType DType { get; }
    public IReadOnlyList<LayerInfo> Layers { get; }
    public long ParameterCount { get; }
    /// <summary>Identifies the model an operator was estimated on: a hash of config.json and of the
    /// first embedding row (two checkpoints with one config differ there).</summary>
    public string Fingerprint { get; }

    private LanguageModel(string path, Architecture arch, DecoderSpec spec, ILreTokenizer tokenizer, Decoder decoder,
        Device device, ScalarType dtype, List<Tensor> tensors, IReadOnlyList<LayerInfo> layers)
    {
        Path = path; Architecture = arch; Spec = spec; Tokenizer = tokenizer; Decoder = decoder;
        Device = device; DType = dtype; _tensors = tensors; Layers = layers;
        ParameterCount = layers.Sum(l => l.ParameterCount);
        Fingerprint = ComputeFingerprint();
    }

    private string ComputeFingerprint()
    {
        using var scope = NewDisposeScope();
        var row = Decoder.EmbeddingRow(0).to(ScalarType.Float32).cpu().data<float>().ToArray();
        var bytes = File.ReadAllBytes(System.IO.Path.Combine(Path, "config.json"))
            .Concat(row.SelectMany(BitConverter.GetBytes)).ToArray();
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16].ToLowerInvariant();
    }

    public string ModelType => Spec.ModelType;
    public string DTypeName => DTypeNames.Name(DType);

    /// <summary>Loads a model folder. Everything is checked (config, tokenizer, every tensor's header
    /// and shape) before the model is handed out; on failure nothing stays allocated.</summary>
    public static LanguageModel Load(string folder, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        if (!Directory.Exists(folder))
            throw new LreException("ModelFolderNotFound", LreErrorKind.NotFound, $"The model folder '{folder}' does not exist.");
        folder = System.IO.Path.GetFullPath(folder);
        var config = ConfigJson.Load(folder);
        var arch = ArchitectureRegistry.Get(config.String("model_type"), config.Path);
        var spec = arch.ReadSpec(config);
        Architecture.CheckSizes(config, spec);
        var tokenizer = TokenizerLoader.Load(folder);
        var device = TorchRuntime.ResolveDevice(options.Device);
        var dtype = DTypeNames.Parse(options.DType, spec.TorchDType);

        using var store = WeightStore.Open(folder);
        var loader = new WeightLoader(store, dtype, device);
        try
        {
            var weights = arch.Load(loader, spec);
            var layers = DescribeLayers(arch, spec, loader.ParameterCounts);
            return new LanguageModel(folder, arch, spec, tokenizer, new Decoder(spec, weights), device, dtype, loader.Loaded, layers);
        }
        catch
        {
            foreach (var t in loader.Loaded) t.Dispose();
            throw;
        }
    }

    private static IReadOnlyList<LayerInfo> DescribeLayers(Architecture arch, DecoderSpec s, Dictionary<string, long> counts)
    {
        long Count(string module) => counts.Where(kv => kv.Key.StartsWith(module + ".", StringComparison.Ordinal)).Sum(kv => kv.Value);
        var list = new List<LayerInfo> { new(-1, arch.EmbeddingName, "Embedding", Count(arch.EmbeddingName)) };
        if (arch.PositionEmbeddingName is { } pos) list.Add(new(-1, pos, "PositionEmbedding", Count(pos)));
        for (int i = 0; i < s.LayerCount; i++)
            list.Add(new(i, arch.BlockName(i), "Block", Count(arch.BlockName(i)), s.SlidingLayers[i] && s.SlidingWindow is { } w ? $"sliding({w})" : "full"));
        list.Add(new(-1, arch.FinalNormName, "FinalNorm", Count(arch.FinalNormName)));
        list.Add(new(-1, arch.HeadName, s.TiedEmbeddings ? "Head (tied)" : "Head", Count(arch.HeadName)));
        return list;
    }

    /// <summary>A block index from an int or a module name (<c>transformer.h.15</c>, <c>model.layers.3</c>, <c>"3"</c>).</summary>
    public int ResolveBlock(object layer)
    {
        switch (layer)
        {
            case int or long or short or byte:
                long i = Convert.ToInt64(layer);
                if (i < 0 || i >= Spec.LayerCount)
                    throw new LreException("LayerOutOfRange", LreErrorKind.InvalidArgument,
                        $"Layer {i} is out of range: this model has blocks 0..{Spec.LayerCount - 1}.");
                return (int)i;
            case string s:
                s = s.Trim();
                if (int.TryParse(s, out int n)) return ResolveBlock(n);
                var match = Layers.FirstOrDefault(l => string.Equals(l.Name, s, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                    throw new LreException("LayerNotFound", LreErrorKind.InvalidArgument,
                        $"This {ModelType} model has no layer named '{s}'. Blocks are {Architecture.BlockName(0)} … {Architecture.BlockName(Spec.LayerCount - 1)} (or their indices); Get-LreLayer lists them.");
                if (match.Index < 0)
                    throw new LreException("LayerNotABlock", LreErrorKind.InvalidArgument,
                        $"'{match.Name}' is the {match.Kind}, not a decoder block: hidden states are read at block outputs ({Architecture.BlockName(0)} … {Architecture.BlockName(Spec.LayerCount - 1)}).");
                return match.Index;
            default:
                throw new LreException("LayerNotFound", LreErrorKind.InvalidArgument,
                    $"A layer is given by its block index or module name, not by a {layer?.GetType().Name ?? "null"}.");
        }
    }

    public void ThrowIfDisposed()
    {
        if (_disposed) throw new LreException("ModelDisposed", LreErrorKind.InvalidArgument, "This model has been disposed; load it again with Import-LreModel.");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
    }
}
