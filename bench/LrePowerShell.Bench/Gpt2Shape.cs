namespace LrePowerShell.Bench;

/// <summary>The sizes of a GPT-2-style model, with its parameter and FLOP counts.</summary>
public sealed record Gpt2Shape(string Name, int Layers, int Hidden, int Heads, int Vocab = 50257, int Positions = 1024)
{
    public static readonly Gpt2Shape Small = new("GPT-2-small", 12, 768, 12);
    public static readonly Gpt2Shape Xl = new("GPT-2-XL", 48, 1600, 25);
    /// <summary>CI's smoke shape: GPT-2's vocabulary (the tokenizer needs it), everything else tiny.</summary>
    public static readonly Gpt2Shape Smoke = new("GPT-2-smoke", 2, 64, 4);

    public int Inner => 4 * Hidden;

    public long Parameters =>
        (long)Vocab * Hidden + (long)Positions * Hidden + 2L * Hidden
        + Layers * (4L * Hidden + (long)Hidden * 3 * Hidden + 3L * Hidden + (long)Hidden * Hidden + Hidden
                    + (long)Hidden * Inner + Inner + (long)Inner * Hidden + Hidden);

    /// <summary>Multiply-adds × 2 of a forward pass over <paramref name="batch"/> rows of
    /// <paramref name="tokens"/> tokens: the projections, attention (q·k and p·v over the causal
    /// triangle as computed, i.e. the full T × T square) and the head at <paramref name="headPositions"/>
    /// positions per row. Norms, softmax and GELU are left out (a few percent).</summary>
    public double ForwardFlops(int batch, int tokens, int headPositions)
    {
        double perToken = Layers * 2.0 * ((double)Hidden * 3 * Hidden + (double)Hidden * Hidden + 2.0 * Hidden * Inner);
        double attention = Layers * 2.0 * 2.0 * tokens * (double)tokens * Hidden;     // per row
        double head = 2.0 * Hidden * Vocab * headPositions;                            // per row
        return batch * (tokens * perToken + attention + head);
    }
}
