using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>A projection y = x·Wᵀ + b. GPT-2's Conv1D stores W as [in, out] (y = x·W + b): it is kept
/// as stored (<see cref="InputMajor"/>), which avoids a transposed copy of every matrix.</summary>
public sealed record Linear(Tensor Weight, Tensor? Bias, bool InputMajor = false)
{
    public Tensor Forward(Tensor x)
    {
        if (!InputMajor) return nn.functional.linear(x, Weight, Bias);
        if (Bias is null) return x.matmul(Weight);
        // addmm adds the bias inside the GEMM instead of in a second pass over the output
        var shape = x.shape;
        shape[^1] = Weight.shape[1];
        return addmm(Bias, x.reshape(-1, x.shape[^1]), Weight, 1, 1).view(shape);
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
