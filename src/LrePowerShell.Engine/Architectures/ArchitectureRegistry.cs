using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Architectures;

/// <summary>The supported <c>model_type</c> values of config.json.</summary>
public static class ArchitectureRegistry
{
    private static readonly Architecture[] All =
    {
        new Gpt2Architecture(), new GptJArchitecture(), new LlamaArchitecture(), new Qwen2Architecture(),
        new Qwen3Architecture(), new Gemma2Architecture(), new Gemma3Architecture(),
    };

    public static IReadOnlyList<string> ModelTypes { get; } = All.Select(a => a.ModelType).ToArray();

    public static Architecture Get(string modelType, string configPath) =>
        All.FirstOrDefault(a => a.ModelType == modelType)
        ?? throw new LreException("ModelTypeUnsupported", LreErrorKind.NotSupported,
            $"'{configPath}' has model_type '{modelType}', which is not supported. Supported: {string.Join(", ", ModelTypes)}.");
}
