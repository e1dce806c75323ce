using System.Management.Automation;

namespace LrePowerShell;

// Array-valued properties are [Hidden]: Export-Csv writes every visible property, and an array
// would come out as "System.Single[]". They stay readable ($state.Vector) and show in Get-Member -Force.

/// <summary>A module of a model (Get-LreLayer). Index is the block index; -1 for embedding, final norm and head.</summary>
public sealed class LreLayer
{
    public string Model { get; init; } = "";
    public int Index { get; init; }
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public long ParameterCount { get; init; }
    /// <summary>For blocks: <c>full</c> or <c>sliding(W)</c> attention.</summary>
    public string? Attention { get; init; }
}

/// <summary>One token of a text (ConvertTo-LreToken). Start/End are character offsets into Text.</summary>
public sealed class LreToken
{
    public string Text { get; init; } = "";
    public int Position { get; init; }
    public int Id { get; init; }
    public string Token { get; init; } = "";
    public int Start { get; init; }
    public int End { get; init; }
}

/// <summary>The residual stream (block output, before the final norm) at one layer and position.</summary>
public sealed class LreHiddenState
{
    public string Prompt { get; init; } = "";
    public int Layer { get; init; }
    public string LayerName { get; init; } = "";
    public int Position { get; init; }
    public int TokenId { get; init; }
    public string Token { get; init; } = "";
    [Hidden]
    public float[] Vector { get; init; } = Array.Empty<float>();
    /// <summary>Euclidean norm of Vector, a scalar that exports cleanly.</summary>
    public double Norm => Math.Sqrt(Vector.Sum(v => (double)v * v));
}

/// <summary>One of the most likely next tokens after a prompt.</summary>
public sealed class LrePrediction
{
    public string Prompt { get; init; } = "";
    public int Rank { get; init; }
    public int TokenId { get; init; }
    public string Token { get; init; } = "";
    public float Logit { get; init; }
    public float Probability { get; init; }
}

/// <summary>A greedy continuation of a prompt: the new text and ids only.</summary>
public sealed class LreGeneration
{
    public string Prompt { get; init; } = "";
    public string Text { get; init; } = "";
    [Hidden]
    public int[] TokenIds { get; init; } = Array.Empty<int>();
    /// <summary>How many tokens were generated (a scalar that exports cleanly).</summary>
    public int TokenCount => TokenIds.Length;
}
