using System.Text.Json;
using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Tokenization;
using static TorchSharp.torch;

namespace LrePowerShell.Bench;

/// <summary>
/// Writes a GPT-2-shaped model folder with random weights (N(0, 0.02) matrices, unit LayerNorms, as
/// GPT-2 is initialised), so the suite needs no download. The folder is reused when it already holds
/// this shape. To keep a 6 GB GPT-2-XL file from needing 6 GB of memory while it is written, blocks
/// beyond the first <see cref="DistinctBlocks"/> repeat their values (the file still holds every block).
/// </summary>
public static class RandomGpt2
{
    private const int DistinctBlocks = 4;

    /// <summary>The tokenizer used: "GPT-2 vocab" (real vocab.json/merges.txt) or a byte-level stand-in.</summary>
    public static string TokenizerKind { get; private set; } = "";

    public static string Ensure(string root, Gpt2Shape shape)
    {
        string folder = Path.Combine(root, $"{shape.Name}-{shape.Layers}x{shape.Hidden}");
        string marker = Path.Combine(folder, "shape.json");
        string shapeJson = JsonSerializer.Serialize(shape);
        WriteTokenizer(folder);
        if (File.Exists(marker) && File.ReadAllText(marker) == shapeJson) return folder;

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model_type"] = "gpt2", ["n_layer"] = shape.Layers, ["n_embd"] = shape.Hidden, ["n_head"] = shape.Heads,
            ["vocab_size"] = shape.Vocab, ["n_positions"] = shape.Positions, ["layer_norm_epsilon"] = 1e-5,
            ["activation_function"] = "gelu_new", ["bos_token_id"] = 50256, ["eos_token_id"] = 50256, ["torch_dtype"] = "float32",
        }));
        using (var scope = NewDisposeScope())
        {
            random.manual_seed(0);
            long d = shape.Hidden, ff = shape.Inner;
            Tensor Normal(params long[] s) => randn(s) * 0.02f;
            var tensors = new List<(string, Tensor)> { ("transformer.wte.weight", Normal(shape.Vocab, d)), ("transformer.wpe.weight", Normal(shape.Positions, d)) };
            var blocks = Enumerable.Range(0, Math.Min(DistinctBlocks, shape.Layers)).Select(_ => new (string, Tensor)[]
            {
                ("ln_1.weight", ones(d)), ("ln_1.bias", zeros(d)),
                ("attn.c_attn.weight", Normal(d, 3 * d)), ("attn.c_attn.bias", Normal(3 * d)),
                ("attn.c_proj.weight", Normal(d, d)), ("attn.c_proj.bias", Normal(d)),
                ("ln_2.weight", ones(d)), ("ln_2.bias", zeros(d)),
                ("mlp.c_fc.weight", Normal(d, ff)), ("mlp.c_fc.bias", Normal(ff)),
                ("mlp.c_proj.weight", Normal(ff, d)), ("mlp.c_proj.bias", Normal(d)),
            }).ToArray();
            for (int i = 0; i < shape.Layers; i++)
                tensors.AddRange(blocks[i % blocks.Length].Select(t => ($"transformer.h.{i}.{t.Item1}", t.Item2)));
            tensors.Add(("transformer.ln_f.weight", ones(d)));
            tensors.Add(("transformer.ln_f.bias", zeros(d)));
            string partial = Path.Combine(folder, "model.safetensors.partial");
            SafetensorsFile.Write(partial, tensors);
            File.Move(partial, Path.Combine(folder, "model.safetensors"), overwrite: true);
        }
        File.WriteAllText(marker, shapeJson);
        return folder;
    }

    /// <summary>GPT-2's real vocab.json/merges.txt from the gpt2 fixture of ../shared when there is one;
    /// otherwise a byte-level stand-in (the 256 byte tokens, placeholders up to id 50255 so every id
    /// the model predicts decodes, and &lt;|endoftext|&gt;; no merges), on which prompts run one token per byte.</summary>
    private static void WriteTokenizer(string folder)
    {
        Directory.CreateDirectory(folder);
        string? fixture = SharedFolder.Find() is { } shared ? Path.Combine(shared, "fixtures", "gpt2") : null;
        if (fixture is not null && File.Exists(Path.Combine(fixture, "vocab.json")))
        {
            foreach (var f in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
                File.Copy(Path.Combine(fixture, f), Path.Combine(folder, f), overwrite: true);
            TokenizerKind = "GPT-2 vocab";
            return;
        }
        var vocab = Enumerable.Range(0, 256).ToDictionary(b => ByteLevelAlphabet.ByteToChar[b].ToString(), b => b);
        for (int id = 256; id < 50256; id++) vocab[$"<unused{id}>"] = id;
        vocab["<|endoftext|>"] = 50256;
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n");
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        TokenizerKind = "byte-level stand-in (no ../shared): one token per byte";
    }
}
