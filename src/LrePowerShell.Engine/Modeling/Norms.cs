using LrePowerShell.Engine.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

internal static class Norms
{
    /// <summary>Applies the architecture's norm over the last dimension.</summary>
    public static Tensor Apply(Tensor x, NormWeights w, NormKind kind, double eps)
    {
        if (kind == NormKind.LayerNorm)
            return nn.functional.layer_norm(x, new[] { x.shape[^1] }, w.Weight, w.Bias, eps);

        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var normed = xf * xf.pow(2).mean(new long[] { -1 }, keepdim: true).add(eps).rsqrt();
        Tensor result = kind == NormKind.GemmaRmsNorm
            ? (normed * (w.Weight.to(ScalarType.Float32) + 1.0)).to(x.dtype)      // Gemma: (1 + w) in fp32, then cast
            : w.Weight * normed.to(x.dtype);                                      // Llama: cast, then w
        return result.MoveToOuterDisposeScope();
    }
}
