using System.Text.Json;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Modeling;

namespace LrePowerShell.Engine.Architectures;

/// <summary>
/// One Hugging Face <c>model_type</c>: how its config.json reads into a <see cref="DecoderSpec"/>,
/// what its modules are called, and which tensors it loads. The decoder itself is shared.
/// </summary>
public abstract class Architecture
{
    public abstract string ModelType { get; }
    public abstract DecoderSpec ReadSpec(ConfigJson config);
    public abstract ModelWeights Load(WeightLoader w, DecoderSpec spec);

    /// <summary>HF module paths, as a forward hook in Python would name them.</summary>
    public abstract string EmbeddingName { get; }
    public virtual string? PositionEmbeddingName => null;
    public abstract string BlockName(int index);
    public abstract string FinalNormName { get; }
    public virtual string HeadName => "lm_head";

    /// <summary>The output head: lm_head, or the embedding matrix when the model ties them.</summary>
    protected static Linear Head(WeightLoader w, DecoderSpec s, Modeling.Linear embedding)
    {
        if (s.TiedEmbeddings) return new Linear(embedding.Weight, s.LmHeadBias ? w.Tensor("lm_head.bias", s.VocabSize) : null);
        return w.Linear("lm_head", s.HiddenSize, s.VocabSize, s.LmHeadBias);
    }

    /// <summary>The RoPE frequency rescaling of <c>rope_scaling</c>; null for none/default.</summary>
    protected static RopeScaling? ReadRopeScaling(ConfigJson c)
    {
        if (c.Element("rope_scaling") is not { } e || e.ValueKind != JsonValueKind.Object) return null;
        string type = e.TryGetProperty("rope_type", out var t) ? t.GetString() ?? "" : e.TryGetProperty("type", out var t2) ? t2.GetString() ?? "" : "";
        double Num(string name, double fallback) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
        return type switch
        {
            "default" or "" => null,
            "linear" => new RopeScaling("linear", Num("factor", 1)),
            "llama3" => new RopeScaling("llama3", Num("factor", 8), Num("low_freq_factor", 1), Num("high_freq_factor", 4),
                Num("original_max_position_embeddings", 8192)),
            _ => throw new LreException("RopeScalingUnsupported", LreErrorKind.NotSupported,
                $"'{c.Path}': rope_scaling type '{type}' is not supported (supported: default, linear, llama3)."),
        };
    }

    /// <summary>Which layers slide: <c>layer_types</c> when the config lists them, else the family's rule.</summary>
    protected static bool[] SlidingLayers(ConfigJson c, int layers, Func<int, bool> rule)
    {
        var types = c.OptStringArray("layer_types");
        if (types is null) return Enumerable.Range(0, layers).Select(rule).ToArray();
        if (types.Length != layers)
            throw new LreException("ConfigInvalid", LreErrorKind.InvalidData, $"'{c.Path}': layer_types has {types.Length} entries for {layers} layers.");
        return types.Select(t => t == "sliding_attention").ToArray();
    }

    /// <summary>The activation named by the config; only the ones these families use are accepted.</summary>
    protected static Activation ReadActivation(ConfigJson c, string field, string fallback)
    {
        string name = c.OptString(field) ?? fallback;
        return name switch
        {
            "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => Activation.GeluTanh,
            "silu" or "swish" => Activation.Silu,
            _ => throw new LreException("ActivationUnsupported", LreErrorKind.NotSupported,
                $"'{c.Path}': {field} '{name}' is not supported (supported: gelu_new, gelu_pytorch_tanh, silu)."),
        };
    }

    /// <summary>The layer count, checked before per-layer arrays are sized from it.</summary>
    protected static int LayerCount(ConfigJson c, string field)
    {
        int layers = c.Int(field);
        Require(c, layers >= 1 && layers <= 1024, $"{field} is {layers}; it must lie in 1..1024");
        return layers;
    }

    /// <summary>
    /// Sizes a config may state, checked for every architecture before anything is allocated: a
    /// hostile or broken config.json must fail here, not in a multi-gigabyte allocation or a division
    /// by zero. The bounds are far above any published model.
    /// </summary>
    public static void CheckSizes(ConfigJson c, DecoderSpec s)
    {
        void Range(string what, long value, long max) =>
            Require(c, value >= 1 && value <= max, $"{what} is {value}; it must lie in 1..{max}");
        Range("the hidden size", s.HiddenSize, 1 << 16);
        Range("the number of layers", s.LayerCount, 1024);
        Range("the number of attention heads", s.HeadCount, 1024);
        Range("the number of key/value heads", s.KvHeadCount, s.HeadCount);
        Range("the head size", s.HeadDim, 4096);
        Range("the MLP size", s.IntermediateSize, 1 << 20);
        Range("the vocabulary size", s.VocabSize, 1 << 24);
        Require(c, s.HeadCount % s.KvHeadCount == 0, $"{s.HeadCount} attention heads cannot share {s.KvHeadCount} key/value heads evenly");
        Require(c, s.NormEps > 0 && s.NormEps < 1, $"the norm epsilon {s.NormEps} must lie in (0, 1)");
        if (s.LearnedPositions) Range("the number of positions", s.MaxPositions, 1 << 20);
        if (s.Rope != RopeKind.None)
        {
            Range("the rotary size", s.RotaryDim, s.HeadDim);
            Require(c, s.RotaryDim % 2 == 0, $"the rotary size {s.RotaryDim} must be even");
            Require(c, s.GlobalRope!.Theta > 1 && (s.LocalRope?.Theta ?? 2) > 1, "rope_theta must be greater than 1");
            Require(c, s.GlobalRope.Scaling is null || s.GlobalRope.Scaling.Factor > 0, "rope_scaling.factor must be positive");
        }
        if (s.SlidingWindow is { } w) Range("the sliding window", w, 1 << 24);
        Require(c, s.AttnSoftcap is null or > 0 && s.FinalSoftcap is null or > 0, "soft-capping values must be positive");
        Require(c, s.SlidingLayers.Length == s.LayerCount, "layer_types must list every layer");
    }

    protected static void Require(ConfigJson c, bool ok, string what)
    {
        if (!ok) throw new LreException("ConfigInvalid", LreErrorKind.InvalidData, $"'{c.Path}': {what}.");
    }
}
