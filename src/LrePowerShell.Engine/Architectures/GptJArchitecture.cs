using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Modeling;

namespace LrePowerShell.Engine.Architectures;

/// <summary>GPT-J: parallel attention + MLP from one ln_1, partial interleaved rotary
/// (rotate_every_two on the first rotary_dim dims), gelu_new, untied lm_head with a bias.</summary>
public sealed class GptJArchitecture : Architecture
{
    public override string ModelType => "gptj";
    public override string EmbeddingName => "transformer.wte";
    public override string BlockName(int index) => $"transformer.h.{index}";
    public override string FinalNormName => "transformer.ln_f";

    public override DecoderSpec ReadSpec(ConfigJson c)
    {
        int d = c.Int("n_embd"), heads = c.Int("n_head");
        Require(c, d > 0 && heads > 0 && d % heads == 0, $"n_embd {d} must be a positive multiple of n_head {heads}");
        int headDim = d / heads, rotary = c.OptInt("rotary_dim") ?? headDim;
        Require(c, rotary > 0 && rotary <= headDim && rotary % 2 == 0, $"rotary_dim {rotary} must be even and at most the head size {headDim}");
        int layers = LayerCount(c, "n_layer");
        return new DecoderSpec
        {
            ModelType = ModelType,
            HiddenSize = d, LayerCount = layers, HeadCount = heads, KvHeadCount = heads, HeadDim = headDim,
            IntermediateSize = c.OptInt("n_inner") ?? 4 * d,
            VocabSize = c.Int("vocab_size"),
            MaxPositions = c.OptInt("n_positions") ?? 2048,
            Norm = NormKind.LayerNorm, NormEps = c.OptDouble("layer_norm_epsilon") ?? 1e-5,
            Layout = BlockLayout.Parallel,
            Activation = ReadActivation(c, "activation_function", "gelu_new"),
            GatedMlp = false, MlpBias = true, QkvBias = false, OutputProjBias = false, LmHeadBias = true,
            TiedEmbeddings = c.OptBool("tie_word_embeddings", false),
            Rope = RopeKind.Interleaved, RotaryDim = rotary, GlobalRope = new RopeSpec(10000, null),
            AttentionScale = 1.0 / Math.Sqrt(headDim),
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
                Q = w.Linear(p + ".attn.q_proj", d, d, false),
                K = w.Linear(p + ".attn.k_proj", d, d, false),
                V = w.Linear(p + ".attn.v_proj", d, d, false),
                O = w.Linear(p + ".attn.out_proj", d, d, false),
                Up = w.Linear(p + ".mlp.fc_in", d, ff, true),
                Down = w.Linear(p + ".mlp.fc_out", ff, d, true),
            };
        }
        return new ModelWeights
        {
            Embedding = wte,
            Layers = layers,
            FinalNorm = w.Norm("transformer.ln_f", d, bias: true),
            Head = Head(w, s, new Linear(wte, null)),
        };
    }
}
