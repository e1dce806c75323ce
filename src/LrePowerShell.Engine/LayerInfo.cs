namespace LrePowerShell.Engine;

/// <summary>A module of a loaded model as HF names it. <see cref="Index"/> is the block index, or -1
/// for the embedding, final norm and head.</summary>
public sealed record LayerInfo(int Index, string Name, string Kind, long ParameterCount, string? Attention = null);
