using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Modeling;

namespace LrePowerShell.Engine.Architectures;

/// <summary>
/// The <c>model.layers.N.self_attn / mlp</c> family: Llama, Qwen2, Qwen3, Gemma 2/3. Reads the fields
/// they share; each model type overrides only what it changes.
/// </summary>
public abstract class LlamaStyleArchitecture : Architecture
{
    public override string EmbeddingName => "model.embed_tokens";
    public override string BlockName(int index) => $"model.layers.{index}";
    public override string FinalNormName => "model.norm";

    /// <summary>The fields every member of the family reads the same way.</summary>
    protected DecoderSpec ReadCommon(ConfigJson c, bool defaultTie)
    {
        int d = c.Int("hidden_size"), heads = c.Int("num_attention_heads");
        int kv = c.OptInt("num_key_value_heads") ?? heads;
        Require(c, d > 0 && heads > 0 && kv > 0 && heads % kv == 0, $"num_attention_heads {heads} must be a positive multiple of num_key_value_heads {kv}");
        int headDim = c.OptInt("head_dim") ?? d / heads;
        Require(c, headDim > 0 && headDim % 2 == 0, $"head_dim {headDim} must be positive and even");
        int layers = LayerCount(c, "num_hidden_layers");
        bool attnBias = c.OptBool("attention_bias", false);
        return new DecoderSpec
        {
            ModelType = ModelType,
            HiddenSize = d, LayerCount = layers, HeadCount = heads, KvHeadCount = kv, HeadDim = headDim,
            IntermediateSize = c.Int("intermediate_size"),
            VocabSize = c.Int("vocab_size"),
            MaxPositions = c.OptInt("max_position_embeddings") ?? 0,
            Norm = NormKind.RmsNorm, NormEps = c.OptDouble("rms_norm_eps") ?? 1e-6,
            Layout = BlockLayout.PreNorm,
            Activation = ReadActivation(c, "hidden_act", "silu"),
            GatedMlp = true, MlpBias = c.OptBool("mlp_bias", false),
            QkvBias = attnBias, OutputProjBias = attnBias,
            TiedEmbeddings = c.OptBool("tie_word_embeddings", defaultTie),
            Rope = RopeKind.Half, RotaryDim = headDim,
            GlobalRope = new RopeSpec(c.OptDouble("rope_theta") ?? 10000, ReadRopeScaling(c)),
            AttentionScale = 1.0 / Math.Sqrt(headDim),
            SlidingLayers = new bool[layers],
            TorchDType = c.OptString("torch_dtype"),
            BosTokenId = c.OptId("bos_token_id"), EosTokenId = c.OptId("eos_token_id"),
        };
    }

    public override ModelWeights Load(WeightLoader w, DecoderSpec s)
    {
        long d = s.HiddenSize, ff = s.IntermediateSize, q = (long)s.HeadCount * s.HeadDim, kv = (long)s.KvHeadCount * s.HeadDim;
        bool layerNormBias = s.Norm == NormKind.LayerNorm;
        var embed = w.Tensor("model.embed_tokens.weight", s.VocabSize, d);
        var layers = new LayerWeights[s.LayerCount];
        for (int i = 0; i < layers.Length; i++)
        {
            string p = BlockName(i);
            bool sandwich = s.Layout == BlockLayout.Sandwich;
            layers[i] = new LayerWeights
            {
                AttnNorm = w.Norm(p + ".input_layernorm", d, layerNormBias),
                Q = w.Linear(p + ".self_attn.q_proj", d, q, s.QkvBias),
                K = w.Linear(p + ".self_attn.k_proj", d, kv, s.QkvBias),
                V = w.Linear(p + ".self_attn.v_proj", d, kv, s.QkvBias),
                O = w.Linear(p + ".self_attn.o_proj", q, d, s.OutputProjBias),
                QNorm = s.QkNorm ? w.Norm(p + ".self_attn.q_norm", s.HeadDim, false) : null,
                KNorm = s.QkNorm ? w.Norm(p + ".self_attn.k_norm", s.HeadDim, false) : null,
                PostAttnNorm = sandwich ? w.Norm(p + ".post_attention_layernorm", d, false) : null,
                MlpNorm = w.Norm(p + (sandwich ? ".pre_feedforward_layernorm" : ".post_attention_layernorm"), d, layerNormBias),
                PostMlpNorm = sandwich ? w.Norm(p + ".post_feedforward_layernorm", d, false) : null,
                Gate = w.Linear(p + ".mlp.gate_proj", d, ff, s.MlpBias),
                Up = w.Linear(p + ".mlp.up_proj", d, ff, s.MlpBias),
                Down = w.Linear(p + ".mlp.down_proj", ff, d, s.MlpBias),
            };
        }
        return new ModelWeights
        {
            Embedding = embed,
            Layers = layers,
            FinalNorm = w.Norm("model.norm", d, layerNormBias),
            Head = Head(w, s, new Linear(embed, null)),
        };
    }
}

/// <summary>Llama 2 / 3.x: GQA, optional llama3 rope scaling, optional attention/MLP biases.</summary>
public sealed class LlamaArchitecture : LlamaStyleArchitecture
{
    public override string ModelType => "llama";
    public override DecoderSpec ReadSpec(ConfigJson c) => ReadCommon(c, defaultTie: false);
}

/// <summary>Qwen2 / Qwen2.5: q/k/v biases (o_proj none), padded vocab, optional sliding window on the upper layers.</summary>
public sealed class Qwen2Architecture : LlamaStyleArchitecture
{
    public override string ModelType => "qwen2";
    public override DecoderSpec ReadSpec(ConfigJson c)
    {
        var s = ReadCommon(c, defaultTie: false);
        bool sliding = c.OptBool("use_sliding_window", false);
        int fromLayer = c.OptInt("max_window_layers") ?? s.LayerCount;
        return s with
        {
            QkvBias = true, OutputProjBias = false,
            SlidingWindow = sliding ? c.OptInt("sliding_window") : null,
            SlidingLayers = sliding ? SlidingLayers(c, s.LayerCount, i => i >= fromLayer) : s.SlidingLayers,
        };
    }
}

/// <summary>Qwen3: per-head q/k RMSNorm before RoPE, explicit head_dim, no q/k/v biases by default.</summary>
public sealed class Qwen3Architecture : LlamaStyleArchitecture
{
    public override string ModelType => "qwen3";
    public override DecoderSpec ReadSpec(ConfigJson c)
    {
        var s = ReadCommon(c, defaultTie: false);
        bool sliding = c.OptBool("use_sliding_window", false);
        int fromLayer = c.OptInt("max_window_layers") ?? s.LayerCount;
        return s with
        {
            QkNorm = true,
            SlidingWindow = sliding ? c.OptInt("sliding_window") : null,
            SlidingLayers = sliding ? SlidingLayers(c, s.LayerCount, i => i >= fromLayer) : s.SlidingLayers,
        };
    }
}
