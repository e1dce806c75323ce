using System.Management.Automation;
using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// Base of every cmdlet: turns engine failures into terminating ErrorRecords with the engine's
/// stable error id and a matching category, and cancels long work when the user presses Ctrl+C.
/// </summary>
public abstract class LreCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled by StopProcessing (Ctrl+C or a stopped pipeline).</summary>
    protected CancellationToken Stopping => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    protected override void EndProcessing() => _stop.Dispose();

    /// <summary>Runs <paramref name="body"/>; an <see cref="LreException"/> becomes a terminating error
    /// about <paramref name="target"/>. Cancellation surfaces as PowerShell's own pipeline stop.</summary>
    protected void Run(object? target, Action body)
    {
        try
        {
            body();
        }
        catch (LreException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), target));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private static ErrorCategory Category(LreErrorKind kind) => kind switch
    {
        LreErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        LreErrorKind.InvalidData => ErrorCategory.InvalidData,
        LreErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        LreErrorKind.NotSupported => ErrorCategory.NotImplemented,
        LreErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        LreErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };
}
