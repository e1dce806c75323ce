namespace LrePowerShell.Engine.Hub;

/// <summary>
/// Short names for the models the LRE experiments use, each mapped to its Hugging Face hub id.
/// Only models whose architecture the engine supports and whose base (not instruction-tuned)
/// checkpoint is on the hub in safetensors; anything else is reachable by its full hub id.
/// </summary>
public static class ModelAliases
{
    /// <summary>Alias → hub id; aliases match case-insensitively.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt2"] = "openai-community/gpt2",
        ["gpt2-medium"] = "openai-community/gpt2-medium",
        ["gpt2-large"] = "openai-community/gpt2-large",
        ["gpt2-xl"] = "openai-community/gpt2-xl",
        ["gpt-j-6b"] = "EleutherAI/gpt-j-6b",
        ["llama-3.2-1b"] = "meta-llama/Llama-3.2-1B",
        ["llama-3.2-3b"] = "meta-llama/Llama-3.2-3B",
        ["llama-3.1-8b"] = "meta-llama/Llama-3.1-8B",
        ["qwen2.5-0.5b"] = "Qwen/Qwen2.5-0.5B",
        ["qwen2.5-1.5b"] = "Qwen/Qwen2.5-1.5B",
        ["qwen3-0.6b"] = "Qwen/Qwen3-0.6B",
        ["qwen3-1.7b"] = "Qwen/Qwen3-1.7B",
        ["gemma-2-2b"] = "google/gemma-2-2b",
        ["gemma-2-9b"] = "google/gemma-2-9b",
        ["gemma-3-270m"] = "google/gemma-3-270m",
        ["gemma-3-1b"] = "google/gemma-3-1b-pt",
    };

    /// <summary>The hub id for <paramref name="name"/>: an alias's target, else the name itself once it
    /// is checked to be a valid hub id (<c>organisation/name</c>, or a legacy id without organisation).</summary>
    /// <exception cref="Errors.LreException"><c>HubNameInvalid</c>.</exception>
    public static string RepoIdFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (All.TryGetValue(name, out var id)) return id;
        return RepoId.IsValid(name) ? name : throw HubErrors.NameInvalid(name);
    }
}
