using LrePowerShell.Engine.Loading;

namespace LrePowerShell.Engine.Architectures;

/// <summary>What Gemma 2 and 3 share: (1 + w) RMSNorm in fp32, sandwich norms, √hidden embedding
/// scale, query_pre_attn_scalar, GeGLU with tanh GELU, tied head, sliding-window layers.</summary>
public abstract class GemmaArchitecture : LlamaStyleArchitecture
{
    protected DecoderSpec ReadGemma(ConfigJson c)
    {
        var s = ReadCommon(c, defaultTie: true);
        double scalar = c.OptDouble("query_pre_attn_scalar") ?? s.HeadDim;
        return s with
        {
            Norm = NormKind.GemmaRmsNorm,
            Layout = BlockLayout.Sandwich,
            Activation = ReadActivation(c, c.Has("hidden_activation") ? "hidden_activation" : "hidden_act", "gelu_pytorch_tanh"),
            ScaleEmbeddings = true,
            AttentionScale = 1.0 / Math.Sqrt(scalar),
            AttnSoftcap = c.OptDouble("attn_logit_softcapping"),
            FinalSoftcap = c.OptDouble("final_logit_softcapping"),
            SlidingWindow = c.OptInt("sliding_window"),
        };
    }
}

/// <summary>Gemma 2: even layers (0, 2, …) slide; attention and final logit soft-capping.</summary>
public sealed class Gemma2Architecture : GemmaArchitecture
{
    public override string ModelType => "gemma2";
    public override DecoderSpec ReadSpec(ConfigJson c)
    {
        var s = ReadGemma(c);
        return s with { SlidingLayers = SlidingLayers(c, s.LayerCount, i => i % 2 == 0) };
    }
}

/// <summary>Gemma 3 (text): q/k norms; layer i is global iff (i+1) % sliding_window_pattern == 0
/// (or as <c>layer_types</c> says); local layers use rope_local_base_freq without scaling, global
/// layers rope_theta with rope_scaling.</summary>
public sealed class Gemma3Architecture : GemmaArchitecture
{
    public override string ModelType => "gemma3_text";
    public override DecoderSpec ReadSpec(ConfigJson c)
    {
        var s = ReadGemma(c);
        int pattern = c.OptInt("sliding_window_pattern") ?? 6;
        return s with
        {
            QkNorm = true,
            SlidingLayers = SlidingLayers(c, s.LayerCount, i => (i + 1) % pattern != 0),
            LocalRope = new RopeSpec(c.OptDouble("rope_local_base_freq") ?? 10000, null),
        };
    }
}
