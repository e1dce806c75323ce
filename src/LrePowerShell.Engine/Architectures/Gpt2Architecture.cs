using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Modeling;

namespace LrePowerShell.Engine.Architectures;

/// <summary>GPT-2 (all sizes): learned positions, LayerNorm, Conv1D weights stored [in, out] with a
/// fused q|k|v projection, gelu_new, tied head.</summary>
public sealed class Gpt2Architecture : Architecture
{
    public override string ModelType => "gpt2";
    public override string EmbeddingName => "transformer.wte";
    public override string? PositionEmbeddingName => "transformer.wpe";
    public override string BlockName(int index) => $"transformer.h.{index}";
    public override string FinalNormName => "transformer.ln_f";

    public override DecoderSpec ReadSpec(ConfigJson c)
    {
        int d = c.Int("n_embd"), heads = c.Int("n_head");
        Require(c, d > 0 && heads > 0 && d % heads == 0, $"n_embd {d} must be a positive multiple of n_head {heads}");
        Require(c, !c.OptBool("scale_attn_by_inverse_layer_idx", false), "scale_attn_by_inverse_layer_idx is not supported");
        int layers = LayerCount(c, "n_layer");
        return new DecoderSpec
        {
            ModelType = ModelType,
            HiddenSize = d, LayerCount = layers, HeadCount = heads, KvHeadCount = heads, HeadDim = d / heads,
            IntermediateSize = c.OptInt("n_inner") ?? 4 * d,
            VocabSize = c.Int("vocab_size"),
            MaxPositions = c.Int("n_positions"),
            Norm = NormKind.LayerNorm, NormEps = c.OptDouble("layer_norm_epsilon") ?? 1e-5,
            Layout = BlockLayout.PreNorm,
            Activation = ReadActivation(c, "activation_function", "gelu_new"),
            GatedMlp = false, MlpBias = true, QkvBias = true, OutputProjBias = true,
            TiedEmbeddings = c.OptBool("tie_word_embeddings", true),
            Rope = RopeKind.None, LearnedPositions = true,
            AttentionScale = c.OptBool("scale_attn_weights", true) ? 1.0 / Math.Sqrt(d / heads) : 1.0,
            SlidingLayers = new bool[layers],
            TorchDType = c.OptString("torch_dtype"),
            BosTokenId = c.OptId("bos_token_id"), EosTokenId = c.OptId("eos_token_id"),
        };
    }

    public override ModelWeights Load(WeightLoader w, DecoderSpec s)
    {
        long d = s.HiddenSize, ff = s.IntermediateSize;
        var wte = w.Tensor("transformer.wte.weight", s.VocabSize, d);
        var layers = new LayerWeights[s.LayerCount];
        for (int i = 0; i < layers.Length; i++)
        {
            string p = BlockName(i);
            layers[i] = new LayerWeights
            {
                AttnNorm = w.Norm(p + ".ln_1", d, bias: true),
                Qkv = w.Conv1D(p + ".attn.c_attn", d, 3 * d),
                O = w.Conv1D(p + ".attn.c_proj", d, d),
                MlpNorm = w.Norm(p + ".ln_2", d, bias: true),
                Up = w.Conv1D(p + ".mlp.c_fc", d, ff),
                Down = w.Conv1D(p + ".mlp.c_proj", ff, d),
            };
        }
        return new ModelWeights
        {
            Embedding = wte,
            PositionEmbedding = w.Tensor("transformer.wpe.weight", s.MaxPositions, d),
            Layers = layers,
            FinalNorm = w.Norm("transformer.ln_f", d, bias: true),
            Head = Head(w, s, new Linear(wte, null)),
        };
    }
}
