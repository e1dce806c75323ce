namespace LrePowerShell.Engine.Hub;

/// <summary>
/// The lock file <c>.locks/models--org--name/{etag}.lock</c> held while a blob is written. On Linux
/// .NET opens a <see cref="FileShare.None"/> file with <c>flock(LOCK_EX | LOCK_NB)</c>, the same lock
/// Python's <c>filelock</c> takes on that file, so this module and huggingface_hub (and two PowerShell
/// sessions) never write one blob at once. The kernel drops the lock when its process dies, so a
/// crashed download never leaves a stale lock behind.
/// </summary>
internal static class BlobLock
{
    // errno EWOULDBLOCK (Linux): .NET's HResult when flock finds the file locked by another open
    private const int WouldBlock = 11;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Waits (cancellably; a large download elsewhere may take long) until the lock is free.
    /// <paramref name="onWait"/> is called once if it has to wait.</summary>
    public static async Task<IDisposable> AcquireAsync(string path, Action onWait, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        bool waited = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex.HResult == WouldBlock)
            {
                if (!waited) onWait();
                waited = true;
                await Task.Delay(Poll, ct);
            }
        }
    }
}
