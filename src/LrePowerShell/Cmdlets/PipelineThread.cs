using System.Collections.Concurrent;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// Runs asynchronous engine work while keeping the cmdlet's own thread busy with its callbacks:
/// WriteProgress and WriteVerbose may only be called from the pipeline thread, but the engine's
/// callbacks fire on whichever thread-pool thread the work is on.
/// </summary>
internal static class PipelineThread
{
    /// <summary>Starts <paramref name="work"/>, which gets a <c>post</c> function for callbacks; runs every
    /// posted action here, in order, until the work ends; then returns its result or throws its exception.</summary>
    public static T Run<T>(Func<Action<Action>, Task<T>> work)
    {
        // Not disposed: if a posted action throws (a stopped pipeline), the work may still post until its
        // cancellation lands, and posting into a disposed collection would fault it with the wrong error.
        var queue = new BlockingCollection<Action>();
        var task = Task.Run(() => work(queue.Add));
        task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        foreach (var action in queue.GetConsumingEnumerable()) action();
        return task.GetAwaiter().GetResult();
    }
}
