using static TorchSharp.torch;

namespace LrePowerShell.Engine.Loading;

internal static class ScalarTypeExtensions
{
    public static bool IsFloatingPoint(this ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
