using System.Text.Json.Nodes;

namespace LrePowerShell.Trainer.Model;

/// <summary>The sizes of a GPT-2 model, and the config.json that tells the engine (and Hugging Face) about them.</summary>
internal sealed record Gpt2Shape(int VocabSize, int Positions, int Hidden, int Layers, int Heads)
{
    public int Inner => 4 * Hidden;

    /// <summary>Every tensor: embeddings, 12·d² + 13·d per block, the final norm (the head is tied).</summary>
    public long ParameterCount =>
        (long)VocabSize * Hidden + (long)Positions * Hidden
        + Layers * (12L * Hidden * Hidden + 13L * Hidden) + 2L * Hidden;

    /// <summary>A GPT2LMHeadModel config; the one special token, <c>&lt;|endoftext|&gt;</c>, is the last id, as in GPT-2.</summary>
    public JsonObject ToConfig() => new()
    {
        ["architectures"] = new JsonArray("GPT2LMHeadModel"),
        ["model_type"] = "gpt2",
        ["vocab_size"] = VocabSize,
        ["n_positions"] = Positions,
        ["n_ctx"] = Positions,
        ["n_embd"] = Hidden,
        ["n_layer"] = Layers,
        ["n_head"] = Heads,
        ["n_inner"] = null,
        ["activation_function"] = "gelu_new",
        ["layer_norm_epsilon"] = 1e-5,
        ["initializer_range"] = 0.02,
        ["resid_pdrop"] = 0.0,
        ["embd_pdrop"] = 0.0,
        ["attn_pdrop"] = 0.0,
        ["scale_attn_weights"] = true,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = VocabSize - 1,
        ["eos_token_id"] = VocabSize - 1,
        ["torch_dtype"] = "float16",
    };
}
