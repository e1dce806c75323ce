namespace LrePowerShell.Engine.Errors;

/// <summary>What kind of failure an <see cref="LreException"/> is; the cmdlets map it to an ErrorCategory.</summary>
public enum LreErrorKind
{
    /// <summary>A file or folder that should exist does not.</summary>
    NotFound,
    /// <summary>A file exists but its content is malformed (bad JSON, truncated safetensors, …).</summary>
    InvalidData,
    /// <summary>An argument is out of range or not understood (unknown layer, empty prompt, …).</summary>
    InvalidArgument,
    /// <summary>Something is valid but not supported by this module (unknown model_type, …).</summary>
    NotSupported,
    /// <summary>A resource (device, library) is not available on this machine.</summary>
    ResourceUnavailable,
    /// <summary>The caller lacks the right to a resource (a gated or private hub repository without a token).</summary>
    PermissionDenied,
}

/// <summary>
/// The engine's one exception type. <see cref="ErrorId"/> is stable: tests and scripts match on it,
/// and the cmdlets use it as the ErrorRecord's id, so never change an existing id's meaning.
/// </summary>
public sealed class LreException : Exception
{
    public LreException(string errorId, LreErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public string ErrorId { get; }
    public LreErrorKind Kind { get; }
}
