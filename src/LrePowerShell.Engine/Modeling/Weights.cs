using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>A projection y = x·Wᵀ + b. GPT-2's Conv1D stores W as [in, out] (y = x·W + b): it is kept
/// as stored (<see cref="InputMajor"/>), which avoids a transposed copy of every matrix.</summary>
public sealed record Linear(Tensor Weight, Tensor? Bias, bool InputMajor = false)
{
    public Tensor Forward(Tensor x)
    {
        if (!HalfOnCpu) return Multiply(x, Weight, Bias, InputMajor);
        using var scope = NewDisposeScope();
        var y = Multiply(x.to(ScalarType.Float32), Weight.to(ScalarType.Float32), Bias?.to(ScalarType.Float32), InputMajor);
        return y.to(ScalarType.Float16).MoveToOuterDisposeScope();
    }

    /// <summary>The gradient with respect to the input of <see cref="Forward"/>, dy·W (dy·Wᵀ for [in, out] weights).</summary>
    public Tensor InputGradient(Tensor dy)
    {
        if (!HalfOnCpu) return Backward(dy, Weight);
        using var scope = NewDisposeScope();
        return Backward(dy.to(ScalarType.Float32), Weight.to(ScalarType.Float32)).to(ScalarType.Float16).MoveToOuterDisposeScope();
    }

    private Tensor Backward(Tensor dy, Tensor w) => InputMajor ? dy.matmul(w.t()) : dy.matmul(w);

    /// <summary>libtorch's CPU float16 matmul has no fast kernel without AVX512-FP16: a GPT-2-small MLP
    /// product took 5.3 s as x·W ([in, out] weights) and 117 ms as linear, against 31 ms in float32 (2
    /// cores, the bench). float16 products are therefore formed in float32 and rounded back once, as a
    /// GPU accumulates them anyway.</summary>
    private bool HalfOnCpu => Weight.dtype == ScalarType.Float16 && Weight.device_type == DeviceType.CPU;

    private static Tensor Multiply(Tensor x, Tensor w, Tensor? b, bool inputMajor)
    {
        if (!inputMajor) return b is null && NeedsAlignedRows(w) ? IntoAlignedRows(x, w) : nn.functional.linear(x, w, b);
        if (b is null) return x.matmul(w);
        // addmm adds the bias inside the GEMM instead of in a second pass over the output
        var shape = x.shape;
        shape[^1] = w.shape[1];
        return addmm(b, x.reshape(-1, x.shape[^1]), w, 1, 1).view(shape);
    }

    /// <summary>Output rows are padded to this many elements (64 bytes of float32).</summary>
    private const long RowAlignment = 16;

    /// <summary>
    /// libtorch's CPU sgemm slows down by a quarter when the rows of its output do not start on 64-byte
    /// boundaries: GPT-2's head (50257 outputs) over 1024 positions took 0.65 s, against 0.47 s with
    /// rows of 50272 (2 cores, AMD EPYC; 32001 outputs alike, 0.41 → 0.30 s). Writing into a padded
    /// buffer is slower when the count is already aligned (151936: 1.55 → 3.2 s), so only odd counts take it.
    /// </summary>
    private static bool NeedsAlignedRows(Tensor w) =>
        w.shape[0] % RowAlignment != 0 && w.dtype == ScalarType.Float32 && w.device_type == DeviceType.CPU;

    /// <summary>x·Wᵀ written into a buffer with aligned rows; the result is a strided view of its first columns.</summary>
    private static Tensor IntoAlignedRows(Tensor x, Tensor w)
    {
        using var scope = NewDisposeScope();
        long outputs = w.shape[0], padded = (outputs + RowAlignment - 1) / RowAlignment * RowAlignment;
        var flat = x.reshape(-1, x.shape[^1]);
        var y = empty(new[] { flat.shape[0], padded }, x.dtype, x.device).narrow(1, 0, outputs);
        y.addmm_(flat, w.t(), beta: 0, alpha: 1);
        var shape = x.shape;
        shape[^1] = outputs;
        return y.view(shape).MoveToOuterDisposeScope();
    }
}

/// <summary>A norm's parameters (bias only for LayerNorm).</summary>
public sealed record NormWeights(Tensor Weight, Tensor? Bias);

/// <summary>The parameters of one decoder block; which ones are set depends on the architecture.</summary>
public sealed class LayerWeights
{
    public required NormWeights AttnNorm { get; init; }
    /// <summary>Fused q|k|v projection (GPT-2's c_attn); when set, Q/K/V are null.</summary>
    public Linear? Qkv { get; init; }
    public Linear? Q { get; init; }
    public Linear? K { get; init; }
    public Linear? V { get; init; }
    public required Linear O { get; init; }
    public NormWeights? QNorm { get; init; }
    public NormWeights? KNorm { get; init; }
    /// <summary>Gemma's post_attention_layernorm (applied to the attention output).</summary>
    public NormWeights? PostAttnNorm { get; init; }
    /// <summary>The norm before the MLP (Llama's post_attention_layernorm, GPT-2's ln_2, Gemma's
    /// pre_feedforward_layernorm); null for GPT-J's parallel block.</summary>
    public NormWeights? MlpNorm { get; init; }
    public NormWeights? PostMlpNorm { get; init; }
    /// <summary>Gated MLP: down(act(gate(x)) · up(x)); plain MLP: Down(act(Up(x))).</summary>
    public Linear? Gate { get; init; }
    public required Linear Up { get; init; }
    public required Linear Down { get; init; }
}

/// <summary>All parameters of a model.</summary>
public sealed class ModelWeights
{
    public required Tensor Embedding { get; init; }
    public Tensor? PositionEmbedding { get; init; }
    public required LayerWeights[] Layers { get; init; }
    public required NormWeights FinalNorm { get; init; }
    /// <summary>The output head; its weight is the embedding when the model ties them.</summary>
    public required Linear Head { get; init; }
}
