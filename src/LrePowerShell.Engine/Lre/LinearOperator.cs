namespace LrePowerShell.Engine.Lre;

/// <summary>
/// An estimated LRE: z = β·W·h + b at block <see cref="Layer"/>. W and b are kept as managed arrays
/// (row-major [Dim, Dim] and [Dim]) so an operator holds no native memory and outlives any
/// DisposeScope; tensors are made from them where they are applied. <see cref="Weight"/> is the
/// full estimate; <see cref="Rank"/> &gt; 0 truncates it by SVD where it is applied.
/// </summary>
public sealed class LinearOperator
{
    public required string Relation { get; init; }
    public required string Template { get; init; }
    public required int Layer { get; init; }
    public required string LayerName { get; init; }
    public required LreMethod Method { get; init; }
    public required double Beta { get; init; }
    public required int Rank { get; init; }
    /// <summary>True when <see cref="Weight"/> already is the rank-<see cref="Rank"/> truncation (an
    /// imported operator: files store W as applied).</summary>
    public bool Truncated { get; init; }
    /// <summary>Examples before each prompt: null = all (the other training pairs before a training
    /// prompt, all training pairs before a test prompt, as the paper does); 0 = zero-shot prompts.</summary>
    public required int? FewShot { get; init; }
    public required IReadOnlyList<RelationSample> Train { get; init; }
    public required IReadOnlyList<RelationSample> Test { get; init; }
    public required int Dim { get; init; }
    public required float[] Weight { get; init; }
    public required float[] Bias { get; init; }
    /// <summary>The model it was estimated on (see LanguageModel.Fingerprint).</summary>
    public required string ModelFingerprint { get; init; }
    public required string ModelName { get; init; }

    public LinearOperator With(double? beta = null, int? rank = null) => new()
    {
        Relation = Relation, Template = Template, Layer = Layer, LayerName = LayerName, Method = Method,
        Beta = beta ?? Beta, Rank = rank ?? Rank, Truncated = Truncated && rank is null, FewShot = FewShot, Train = Train, Test = Test, Dim = Dim,
        Weight = Weight, Bias = Bias, ModelFingerprint = ModelFingerprint, ModelName = ModelName,
    };
}
