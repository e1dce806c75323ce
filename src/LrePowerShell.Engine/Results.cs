namespace LrePowerShell.Engine;

/// <summary>The residual stream of one prompt at one (layer, position).</summary>
public sealed record HiddenStateResult(string Prompt, int Layer, string LayerName, int Position, int TokenId, string Token, float[] Vector);

/// <summary>One of the top next tokens after a prompt.</summary>
public sealed record PredictionResult(string Prompt, int Rank, int TokenId, string Token, float Logit, float Probability);

/// <summary>A greedy continuation: the new text and ids only.</summary>
public sealed record GenerationResult(string Prompt, string Text, int[] TokenIds);

/// <summary>Which positions of a prompt to read: the last token, the subject's last token, every
/// token, or one index (negative counts from the end, -1 = last).</summary>
public sealed record PositionSelector(string Kind, int Index = 0, string? Subject = null)
{
    public static PositionSelector Last { get; } = new("Last");
    public static PositionSelector All { get; } = new("All");
    public static PositionSelector SubjectLast(string subject) => new("SubjectLast", Subject: subject);
    public static PositionSelector At(int index) => new("Index", index);
}
