using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace LrePowerShell.Engine.Hub;

/// <summary>
/// Downloads one file into its blob, the way nothing half-done can enter the cache: the bytes go to
/// <c>blobs/{etag}.incomplete</c> under the blob's lock, an interrupted transfer resumes from what is there
/// with an HTTP Range request, an LFS file's sha256 must equal its ETag, and only then is the file renamed
/// to <c>blobs/{etag}</c>. A file that fails its checksum is deleted; one that fails for network reasons is
/// kept so that the next attempt (or the next run) resumes it.
/// </summary>
internal sealed class BlobDownloader(HubApi api, Action<HubDownloadProgress>? progress, Action<string>? log)
{
    /// <summary>Tries per file; a transfer that breaks off is resumed, not restarted.</summary>
    public const int MaxAttempts = 4;
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A transfer that broke off for a reason worth another attempt (network, timeout, 5xx).</summary>
    private sealed class Interrupted(string message, Exception? inner = null) : Exception(message, inner);

    public async Task DownloadAsync(RepoCache cache, string commit, string file, FileMetadata meta, CancellationToken ct)
    {
        string blob = cache.BlobPath(meta.Etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        using var blobLock = await BlobLock.AcquireAsync(cache.LockPath(meta.Etag),
            () => log?.Invoke($"Waiting for another process that is downloading '{file}' of '{cache.Repo}'."), ct);
        if (File.Exists(blob)) return;   // that other process finished it

        string partial = blob + ".incomplete";
        string digest;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                digest = await TransferAsync(cache.Repo, commit, file, meta, partial, ct);
                break;
            }
            catch (Interrupted ex) when (attempt < MaxAttempts)
            {
                log?.Invoke($"'{file}': {ex.Message}; trying again ({attempt} of {MaxAttempts - 1} retries).");
                await Task.Delay(TimeSpan.FromMilliseconds(250 << (attempt - 1)), ct);
            }
            catch (Interrupted ex)
            {
                throw HubErrors.DownloadFailed($"'{file}' of '{cache.Repo}'",
                    $"{ex.Message} ({MaxAttempts} attempts). The part already downloaded is kept; the next try resumes it.", ex.InnerException);
            }
        }

        if (meta.IsLfs && !string.Equals(digest, meta.Etag, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);   // resuming from corrupt bytes would only fail again
            throw HubErrors.ChecksumMismatch(cache.Repo, file, meta.Etag, digest);
        }
        File.Move(partial, blob, overwrite: true);
        long size = new FileInfo(blob).Length;
        progress?.Invoke(new HubDownloadProgress(cache.Repo, file, size, size, 0, Completed: true));
    }

    /// <summary>One attempt: resumes from the bytes in <paramref name="partial"/>, returns the sha256 of the whole file.</summary>
    private async Task<string> TransferAsync(string repo, string commit, string file, FileMetadata meta, string partial, CancellationToken ct)
    {
        await using var stream = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true);
        long have = stream.Length;
        if (have > meta.Size) have = Restart(stream);
        var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            if (have > 0)
            {
                log?.Invoke($"'{file}': resuming after the {have:N0} bytes already downloaded.");
                await HashPrefixAsync(stream, sha, have, ct);
            }
            if (have == meta.Size && have > 0) return Convert.ToHexStringLower(sha.GetHashAndReset());

            using var response = await Request(meta.DownloadUrl, have, ct);
            if (response.StatusCode == HttpStatusCode.OK && have > 0)
            {
                log?.Invoke($"'{file}': the server does not resume; starting over.");
                have = Restart(stream);
                sha.Dispose();
                sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            }
            else if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From != have)
            {
                Restart(stream);
                throw new Interrupted("the server resumed at another byte than asked; starting over");
            }
            else if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                Restart(stream);
                throw new Interrupted("the partial file is longer than the server's; starting over");
            }
            else if (!response.IsSuccessStatusCode)
            {
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                    throw new Interrupted($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
                throw api.StatusError(response, repo, commit, file);
            }

            stream.Position = have;
            await CopyAsync(repo, file, meta.Size, response, stream, sha, have, ct);
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        finally
        {
            sha.Dispose();
        }
    }

    private async Task<HttpResponseMessage> Request(Uri url, long offset, CancellationToken ct)
    {
        try
        {
            return await api.GetContentAsync(url, offset, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
        {
            throw new Interrupted(ex.Message, ex);
        }
    }

    private async Task CopyAsync(string repo, string file, long? total, HttpResponseMessage response, FileStream target,
        IncrementalHash sha, long have, CancellationToken ct)
    {
        long start = have;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        void Report() => progress?.Invoke(new HubDownloadProgress(repo, file, have, total,
            (have - start) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3), Completed: false));

        Report();
        var buffer = new byte[BufferSize];
        // a read that waits longer than the download timeout for data counts as a dead connection
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var body = await Read(() => response.Content.ReadAsStreamAsync(ct), ct);
        while (true)
        {
            stall.CancelAfter(api.DownloadTimeout);
            int n = await Read(async () => await body.ReadAsync(buffer, stall.Token), ct);
            if (n == 0) break;
            await target.WriteAsync(buffer.AsMemory(0, n), ct);
            sha.AppendData(buffer, 0, n);
            have += n;
            if (clock.Elapsed - lastReport >= ProgressInterval)
            {
                lastReport = clock.Elapsed;
                Report();
            }
        }
        await target.FlushAsync(ct);
        Report();
        if (total is long size && have != size)
            throw new Interrupted($"the connection closed after {have:N0} of {size:N0} bytes");
    }

    /// <summary>Runs a network read; its failures (not the user's cancellation) become <see cref="Interrupted"/>.</summary>
    private async Task<T> Read<T>(Func<Task<T>> read, CancellationToken ct)
    {
        try
        {
            return await read();
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new Interrupted($"no data for {api.DownloadTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new Interrupted(ex.Message, ex);
        }
    }

    private static long Restart(FileStream stream)
    {
        stream.SetLength(0);
        return 0;
    }

    private static async Task HashPrefixAsync(FileStream stream, IncrementalHash sha, long length, CancellationToken ct)
    {
        var buffer = new byte[BufferSize];
        stream.Position = 0;
        for (long left = length; left > 0;)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (n == 0) throw new EndOfStreamException($"'{stream.Name}' shrank while being read");
            sha.AppendData(buffer, 0, n);
            left -= n;
        }
    }
}
