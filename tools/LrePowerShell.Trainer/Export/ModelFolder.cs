using System.Text.Json;
using LrePowerShell.Engine.Loading;
using LrePowerShell.Trainer.Model;
using static TorchSharp.torch;

namespace LrePowerShell.Trainer.Export;

/// <summary>Writes the Hugging Face model files: config.json and model.safetensors (fp16, hub names, head
/// tied to transformer.wte so not stored), beside the tokenizer files.</summary>
internal static class ModelFolder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteConfig(string folder, Gpt2Shape shape) =>
        File.WriteAllText(Path.Combine(folder, "config.json"), shape.ToConfig().ToJsonString(Indented) + "\n");

    public static void WriteWeights(string folder, Gpt2Parameters parameters, IReadOnlyDictionary<string, string> metadata)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tensors = parameters.Named.Select(p => (p.Name, p.Value.detach().to(ScalarType.Float16))).ToList();
        SafetensorsFile.Write(Path.Combine(folder, "model.safetensors"), tensors, metadata);
    }
}
