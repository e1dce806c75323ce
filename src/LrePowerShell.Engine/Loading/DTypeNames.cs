using LrePowerShell.Engine.Errors;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Loading;

/// <summary>The dtype names of <c>-DType</c> and config.json's <c>torch_dtype</c>.</summary>
public static class DTypeNames
{
    public static ScalarType Parse(string name, string? checkpointDType)
    {
        string n = (name ?? "float32").Trim().ToLowerInvariant();
        if (n == "auto") n = checkpointDType?.ToLowerInvariant() ?? "float32";
        return n switch
        {
            "float32" or "fp32" or "float" => ScalarType.Float32,
            "float16" or "fp16" or "half" => ScalarType.Float16,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            _ => throw new LreException("DTypeUnsupported", LreErrorKind.InvalidArgument,
                $"DType '{name}' is not supported: use float32, float16, bfloat16 or auto."),
        };
    }

    public static string Name(ScalarType t) => t switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        _ => t.ToString().ToLowerInvariant(),
    };
}
