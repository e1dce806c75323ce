using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LrePowerShell.Trainer.Tokenizer;

/// <summary>Writes a <see cref="ByteLevelBpe"/> as Hugging Face's GPT2Tokenizer files: vocab.json, merges.txt
/// and a tokenizer_config.json that, like GPT-2's, makes <c>&lt;|endoftext|&gt;</c> bos, eos and unk, adds no
/// BOS and no prefix space.</summary>
internal static class TokenizerFiles
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string folder, ByteLevelBpe bpe, int maxLength)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in bpe.Vocabulary()) vocab[token] = id;
        File.WriteAllText(Path.Combine(folder, "vocab.json"), vocab.ToJsonString(Json) + "\n");

        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (a, b) in bpe.Merges) merges.Append(a).Append(' ').Append(b).Append('\n');
        File.WriteAllText(Path.Combine(folder, "merges.txt"), merges.ToString());

        var config = new JsonObject
        {
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["add_bos_token"] = false,
            ["add_prefix_space"] = false,
            ["bos_token"] = ByteLevelBpe.EndOfText,
            ["eos_token"] = ByteLevelBpe.EndOfText,
            ["unk_token"] = ByteLevelBpe.EndOfText,
            ["model_max_length"] = maxLength,
            ["clean_up_tokenization_spaces"] = false,
            ["added_tokens_decoder"] = new JsonObject
            {
                [bpe.EndOfTextId.ToString()] = new JsonObject
                {
                    ["content"] = ByteLevelBpe.EndOfText,
                    ["lstrip"] = false, ["normalized"] = true, ["rstrip"] = false, ["single_word"] = false, ["special"] = true,
                },
            },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(Json) + "\n");
    }
}
