using LrePowerShell.Engine;

namespace LrePowerShell;

/// <summary>A loaded model, as Import-LreModel returns it. Dispose it to free its weights.</summary>
public sealed class LreModel : IDisposable
{
    internal LreModel(string name, LanguageModel engine)
    {
        Name = name;
        Engine = engine;
    }

    internal LanguageModel Engine { get; }

    public string Name { get; }
    /// <summary>HF model_type (gpt2, llama, qwen2, qwen3, gemma2, gemma3_text, gptj).</summary>
    public string Architecture => Engine.ModelType;
    public string Path => Engine.Path;
    public string Device => Engine.Device.ToString();
    public string DType => Engine.DTypeName;
    public int LayerCount => Engine.Spec.LayerCount;
    public int HiddenSize => Engine.Spec.HiddenSize;
    public int VocabSize => Engine.Spec.VocabSize;
    public long ParameterCount => Engine.ParameterCount;

    public void Dispose() => Engine.Dispose();

    public override string ToString() => Name;
}
