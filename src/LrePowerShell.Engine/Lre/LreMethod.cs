namespace LrePowerShell.Engine.Lre;

/// <summary>How an operator is estimated.</summary>
public enum LreMethod
{
    /// <summary>The paper's: W = mean Jacobian of the last block's output w.r.t. h; decoded through final norm and head.</summary>
    Jacobian,
    /// <summary>The seed's: least squares from h onto the unembedding row of the object's first token.</summary>
    Regression,
}
