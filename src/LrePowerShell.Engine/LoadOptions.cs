namespace LrePowerShell.Engine;

/// <summary>How to load a model: compute dtype (<c>float32</c>, <c>float16</c>, <c>bfloat16</c> or
/// <c>auto</c> = the checkpoint's torch_dtype) and device (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>mps</c>).</summary>
public sealed record LoadOptions(string DType = "float32", string Device = "cpu");
