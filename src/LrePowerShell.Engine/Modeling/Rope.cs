using LrePowerShell.Engine.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Modeling;

/// <summary>Rotary position embeddings: inverse frequencies (with HF's rope_scaling rules) and their
/// application in the two pairings the supported families use.</summary>
internal static class Rope
{
    /// <summary>HF's inverse frequencies for <paramref name="dim"/> rotating dimensions, computed in
    /// fp32 as HF does (including the llama3 band logic).</summary>
    public static float[] InverseFrequencies(RopeSpec spec, int dim)
    {
        var inv = new float[dim / 2];
        for (int i = 0; i < inv.Length; i++)
            inv[i] = (float)(1.0 / Math.Pow(spec.Theta, (float)(2 * i) / dim));
        if (spec.Scaling is not { } s) return inv;
        for (int i = 0; i < inv.Length; i++)
        {
            if (s.Type == "linear") { inv[i] = (float)(inv[i] / s.Factor); continue; }
            // llama3: long wavelengths are divided by the factor, short ones kept, the band between blended
            double lowWavelen = s.OriginalMaxPositions / s.LowFreqFactor, highWavelen = s.OriginalMaxPositions / s.HighFreqFactor;
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) inv[i] = (float)(inv[i] / s.Factor);
            else if (wavelen >= highWavelen)
            {
                double smooth = (s.OriginalMaxPositions / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                inv[i] = (float)((1 - smooth) * inv[i] / s.Factor + smooth * inv[i]);
            }
        }
        return inv;
    }

    /// <summary>cos and sin of position × frequency, [B, 1, T, dim/2] in fp32 (angles in fp64).</summary>
    public static (Tensor Cos, Tensor Sin) Angles(float[] inverseFrequencies, Tensor positions)
    {
        using var scope = NewDisposeScope();
        var inv = tensor(inverseFrequencies, device: positions.device).to(ScalarType.Float64);
        var angles = positions.to(ScalarType.Float64).unsqueeze(-1) * inv;          // [B, T, dim/2]
        var cos = angles.cos().to(ScalarType.Float32).unsqueeze(1);
        var sin = angles.sin().to(ScalarType.Float32).unsqueeze(1);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x [B, H, T, headDim] on its first <paramref name="rotaryDim"/> dimensions.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin, RopeKind kind, int rotaryDim)
    {
        using var scope = NewDisposeScope();
        int headDim = (int)x.shape[^1];
        var rot = rotaryDim == headDim ? x : x.narrow(-1, 0, rotaryDim);
        var xf = rot.to(ScalarType.Float32);
        Tensor rotated;
        if (kind == RopeKind.Half)
        {
            // pairs (i, i + d/2): x·cos + rotate_half(x)·sin with cos, sin repeated over both halves
            var c = cat(new[] { cos, cos }, -1);
            var s = cat(new[] { sin, sin }, -1);
            var halves = xf.chunk(2, -1);
            var rotateHalf = cat(new[] { halves[1].neg(), halves[0] }, -1);
            rotated = xf * c + rotateHalf * s;
        }
        else
        {
            // pairs (2i, 2i+1): GPT-J's rotate_every_two with cos, sin repeated element-wise
            var c = cos.repeat_interleave(2, -1);
            var s = sin.repeat_interleave(2, -1);
            var pairs = xf.unflatten(xf.dim() - 1, new long[] { rotaryDim / 2, 2 });
            var rotateEveryTwo = stack(new[] { pairs.select(-1, 1).neg(), pairs.select(-1, 0) }, -1).flatten(-2);
            rotated = xf * c + rotateEveryTwo * s;
        }
        rotated = rotated.to(x.dtype);
        var result = rotaryDim == headDim ? rotated : cat(new[] { rotated, x.narrow(-1, rotaryDim, headDim - rotaryDim) }, -1);
        return result.MoveToOuterDisposeScope();
    }
}
