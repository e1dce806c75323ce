namespace LrePowerShell.Engine.Architectures;

public enum NormKind
{
    /// <summary>LayerNorm with weight and bias (GPT-2, GPT-J).</summary>
    LayerNorm,
    /// <summary>RMSNorm, computed in fp32, cast back, then multiplied by w (Llama, Qwen).</summary>
    RmsNorm,
    /// <summary>RMSNorm multiplied by (1 + w) in fp32 before the cast (Gemma).</summary>
    GemmaRmsNorm,
}

public enum BlockLayout
{
    /// <summary>x += attn(norm1(x)); x += mlp(norm2(x)).</summary>
    PreNorm,
    /// <summary>Gemma 2/3: x += post_attn_norm(attn(input_norm(x))); x += post_ff_norm(mlp(pre_ff_norm(x))).</summary>
    Sandwich,
    /// <summary>GPT-J: h = ln_1(x); x += attn(h) + mlp(h).</summary>
    Parallel,
}

public enum Activation { GeluTanh, Silu }

public enum RopeKind
{
    /// <summary>Learned absolute position embeddings, no rotary (GPT-2).</summary>
    None,
    /// <summary>HF "rotate_half": dimension i pairs with i + d/2 (Llama, Qwen, Gemma).</summary>
    Half,
    /// <summary>GPT-J "rotate_every_two": dimensions 2i and 2i+1 pair, on the first rotary_dim only.</summary>
    Interleaved,
}

/// <summary>How the inverse RoPE frequencies are rescaled (HF <c>rope_scaling</c>).</summary>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4, double OriginalMaxPositions = 8192);

/// <summary>RoPE parameters for one group of layers.</summary>
public sealed record RopeSpec(double Theta, RopeScaling? Scaling);

/// <summary>
/// Every choice in which the supported decoders differ, filled from config.json by one small
/// architecture class each. The decoder reads only this: each rule is written once there.
/// </summary>
public sealed record DecoderSpec
{
    public required string ModelType { get; init; }
    public required int HiddenSize { get; init; }
    public required int LayerCount { get; init; }
    public required int HeadCount { get; init; }
    public required int KvHeadCount { get; init; }
    public required int HeadDim { get; init; }
    public required int IntermediateSize { get; init; }
    public required int VocabSize { get; init; }
    public int MaxPositions { get; init; }
    public required NormKind Norm { get; init; }
    public required double NormEps { get; init; }
    public required BlockLayout Layout { get; init; }
    public required Activation Activation { get; init; }
    /// <summary>down(act(gate(x)) * up(x)) rather than proj(act(fc(x))).</summary>
    public required bool GatedMlp { get; init; }
    public bool MlpBias { get; init; }
    public bool QkvBias { get; init; }
    public bool OutputProjBias { get; init; }
    public bool QkNorm { get; init; }
    public bool LmHeadBias { get; init; }
    public required bool TiedEmbeddings { get; init; }
    public RopeKind Rope { get; init; }
    /// <summary>Number of head dimensions that rotate (GPT-J's rotary_dim; otherwise HeadDim).</summary>
    public int RotaryDim { get; init; }
    /// <summary>RoPE for full-attention layers (and all layers where there is one kind).</summary>
    public RopeSpec? GlobalRope { get; init; }
    /// <summary>RoPE for sliding-window layers, where it differs (Gemma 3's local base).</summary>
    public RopeSpec? LocalRope { get; init; }
    /// <summary>Attention scores are multiplied by this (head_dim^-0.5 unless the config says otherwise).</summary>
    public required double AttentionScale { get; init; }
    public double? AttnSoftcap { get; init; }
    public double? FinalSoftcap { get; init; }
    /// <summary>Window of the sliding layers: query t sees keys t−W+1 … t.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>Per layer: true where the layer uses the sliding window.</summary>
    public required bool[] SlidingLayers { get; init; }
    /// <summary>Gemma: embeddings × √hidden, rounded to the compute dtype.</summary>
    public bool ScaleEmbeddings { get; init; }
    public bool LearnedPositions { get; init; }
    /// <summary>The dtype the checkpoint says it was trained in (<c>torch_dtype</c>), for <c>-DType auto</c>.</summary>
    public string? TorchDType { get; init; }
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }
}
