using System.Diagnostics;
using System.Management.Automation;
using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// Base of every cmdlet: turns engine failures into terminating ErrorRecords with the engine's
/// stable error id and a matching category, cancels long work when the user presses Ctrl+C, and
/// opens the cmdlet's Write-Progress activities.
/// </summary>
public abstract class LreCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _lastActivityId;

    /// <summary>Cancelled by StopProcessing (Ctrl+C or a stopped pipeline).</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    // Disposed with the cmdlet, not in EndProcessing: PowerShell may call StopProcessing on a
    // command whose EndProcessing has already run (a later command of the pipeline is still busy).
    public void Dispose() => _stop.Dispose();

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

    /// <summary>A new Write-Progress activity of this cmdlet, nested under <paramref name="parent"/> if given.
    /// Dispose it (a using block) so that it is completed however the work ends.</summary>
    internal ProgressActivity StartActivity(string activity, ProgressActivity? parent = null) =>
        new(this, ++_lastActivityId, activity, parent);

    /// <summary>Writes a file this cmdlet has written as Get-Item returns it: with the provider's properties,
    /// it shows in the file system's own view (a bare FileInfo shows with empty columns).</summary>
    protected void WriteFile(string path) =>
        WriteObject(InvokeProvider.Item.Get(new[] { path }, force: true, literalPath: true), enumerateCollection: true);

    /// <summary>Says with -Verbose what is about to be computed, runs it, and says how long it took.</summary>
    protected T Timed<T>(string what, Func<T> work)
    {
        WriteVerbose($"{what} ...");
        var clock = Stopwatch.StartNew();
        T result = work();
        WriteVerbose($"{what}: done in {Seconds(clock.Elapsed)}.");
        return result;
    }

    protected void Timed(string what, Action work) => Timed(what, () => { work(); return 0; });

    internal static string Seconds(TimeSpan t) => t.TotalSeconds < 10 ? $"{t.TotalSeconds:0.00} s" : $"{t.TotalSeconds:0.0} s";

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
