using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Tokenization;

namespace LrePowerShell.Engine.Hub;

/// <summary>The files to fetch from a repository (small ones first, the weights last) and, when the
/// weights are sharded, the index that names the shards.</summary>
internal sealed record ModelFilePlan(IReadOnlyList<string> Files, bool Sharded);

/// <summary>
/// Which of a repository's files a model needs: <c>config.json</c>, safetensors weights (one file, or the
/// index and its shards) and the tokenizer files that exist. Nothing else is downloaded: no pickle
/// checkpoints, no other formats (ONNX, GGUF, …), nothing in subfolders.
/// </summary>
internal static class ModelFiles
{
    public const string Config = "config.json";
    public const string SingleWeights = "model.safetensors";

    /// <summary>Fetched when the repository has them; the tokenizer loader picks among them.</summary>
    private static readonly string[] Optional =
    [
        HfTokenizerJsonReader.FileName, SentencePieceModelProto.FileName, Gpt2VocabReader.VocabFile, Gpt2VocabReader.MergesFile,
        "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "generation_config.json",
    ];

    /// <summary>What to download from a repository whose root holds <paramref name="siblings"/>.</summary>
    /// <exception cref="Errors.LreException"><c>HubPickleOnly</c>, <c>HubModelFilesMissing</c>.</exception>
    public static ModelFilePlan Select(string repo, string revision, IReadOnlyCollection<string> siblings)
    {
        var has = siblings.ToHashSet(StringComparer.Ordinal);
        if (!has.Contains(Config))
            throw HubErrors.ModelFilesMissing(repo, revision, "it has no config.json (is it a transformers model?).");
        bool sharded = !has.Contains(SingleWeights) && has.Contains(ShardIndex.FileName);
        if (!has.Contains(SingleWeights) && !sharded)
        {
            if (siblings.Any(IsPickle)) throw HubErrors.PickleOnly(repo, revision);
            throw HubErrors.ModelFilesMissing(repo, revision, "it has no model.safetensors or model.safetensors.index.json.");
        }
        if (!HasTokenizer(has.Contains))
            throw HubErrors.ModelFilesMissing(repo, revision, "it has no tokenizer (tokenizer.json, vocab.json + merges.txt, or tokenizer.model).");
        return new([Config, .. Optional.Where(has.Contains), sharded ? ShardIndex.FileName : SingleWeights], sharded);
    }

    /// <summary>What a cached snapshot lacks to load, or null when it is complete.</summary>
    /// <exception cref="Errors.LreException"><c>SafetensorsIndexInvalid</c> for an index whose shard names leave the folder.</exception>
    public static string? Missing(string snapshot)
    {
        bool Has(string name) => File.Exists(Path.Combine(snapshot, name));   // follows the symlink: a dangling one is missing
        if (!Has(Config)) return "config.json is missing.";
        if (!Has(SingleWeights))
        {
            if (!Has(ShardIndex.FileName)) return "the weights (model.safetensors or model.safetensors.index.json) are missing.";
            var absent = ShardIndex.ReadShardNames(Path.Combine(snapshot, ShardIndex.FileName)).Where(s => !Has(s)).ToList();
            if (absent.Count > 0) return $"the shards {string.Join(", ", absent)} are missing.";
        }
        return HasTokenizer(Has) ? null : "the tokenizer files are missing.";
    }

    private static bool HasTokenizer(Func<string, bool> has) =>
        has(HfTokenizerJsonReader.FileName) || has(SentencePieceModelProto.FileName) ||
        (has(Gpt2VocabReader.VocabFile) && has(Gpt2VocabReader.MergesFile));

    private static bool IsPickle(string file) =>
        !file.Contains('/') && file.StartsWith("pytorch_model", StringComparison.Ordinal) && file.EndsWith(".bin", StringComparison.Ordinal);
}
