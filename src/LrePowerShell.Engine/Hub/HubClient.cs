using LrePowerShell.Engine.Loading;

namespace LrePowerShell.Engine.Hub;

/// <summary>
/// Gets a model from the Hugging Face hub into the hub's shared cache and hands back the snapshot folder
/// that <see cref="LanguageModel.Load"/> reads. A snapshot already in the cache with every file a model
/// needs is used without asking the hub (unless <c>refresh</c>); offline, only the cache is used.
/// Callbacks may run on any thread.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly HubApi _api;
    private readonly BlobDownloader _downloader;

    /// <param name="settings">Usually <see cref="HubSettings.FromEnvironment"/>.</param>
    /// <param name="progress">Called as each file downloads.</param>
    /// <param name="log">What is fetched from where and what is found in the cache, one sentence each.</param>
    /// <param name="handler">An HTTP handler other than the default (tests, proxies).</param>
    public HubClient(HubSettings settings, Action<HubDownloadProgress>? progress = null, Action<string>? log = null, HttpMessageHandler? handler = null)
    {
        Settings = settings;
        Log = log;
        _api = new HubApi(settings, handler);
        _downloader = new BlobDownloader(_api, progress, log);
    }

    public HubSettings Settings { get; }

    private Action<string>? Log { get; }

    /// <summary>The snapshot folder of <paramref name="repoId"/> at <paramref name="revision"/> (a branch,
    /// tag or commit hash), holding config.json, the safetensors weights and the tokenizer files.</summary>
    /// <param name="refresh">Ask the hub which commit the revision is at now, even when the cache has one.</param>
    /// <exception cref="Errors.LreException">One of the <see cref="HubErrors"/> ids, or <c>SafetensorsIndexInvalid</c>.</exception>
    public async Task<string> GetModelAsync(string repoId, string revision = "main", bool refresh = false, CancellationToken ct = default)
    {
        if (!RepoId.IsValid(repoId)) throw HubErrors.NameInvalid(repoId);
        if (!RepoId.IsValidRevision(revision)) throw HubErrors.RevisionInvalid(revision);
        var cache = new RepoCache(Settings.CacheFolder, repoId);
        try
        {
            if (Settings.Offline) return FromCacheOnly(cache, revision);
            if (!refresh && cache.FindSnapshot(revision) is { } cached && ModelFiles.Missing(cached) == null)
            {
                Log?.Invoke($"'{repoId}' at '{revision}' is in the cache: {cached}");
                return cached;
            }
            return await DownloadAsync(cache, revision, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // network failures are LreExceptions by now: what is left is the disk
            throw HubErrors.CacheFailed(Settings.CacheFolder, ex);
        }
    }

    private string FromCacheOnly(RepoCache cache, string revision)
    {
        string snapshot = cache.FindSnapshot(revision)
            ?? throw HubErrors.OfflineNotCached(cache.Repo, revision, Settings.CacheFolder, "nothing of it is cached.");
        if (ModelFiles.Missing(snapshot) is { } missing)
            throw HubErrors.OfflineNotCached(cache.Repo, revision, Settings.CacheFolder, $"in {snapshot} {missing}");
        Log?.Invoke($"Offline: '{cache.Repo}' at '{revision}' from the cache: {snapshot}");
        return snapshot;
    }

    private async Task<string> DownloadAsync(RepoCache cache, string revision, CancellationToken ct)
    {
        Log?.Invoke($"Asking {Settings.Endpoint} for '{cache.Repo}' at '{revision}'.");
        var info = await _api.GetModelInfoAsync(cache.Repo, revision, ct);
        var plan = ModelFiles.Select(cache.Repo, revision, info.Siblings);
        string snapshot = cache.SnapshotFolder(info.Sha);
        foreach (var file in plan.Files) await FetchAsync(cache, info.Sha, file, ct);
        if (plan.Sharded)
        {
            // the index names the shards; ShardIndex refuses names that would land outside the snapshot
            foreach (var shard in ShardIndex.ReadShardNames(Path.Combine(snapshot, ShardIndex.FileName)))
            {
                if (!info.Siblings.Contains(shard))
                    throw HubErrors.ModelFilesMissing(cache.Repo, revision, $"its shard index names '{shard}', which the repository does not have.");
                await FetchAsync(cache, info.Sha, shard, ct);
            }
        }
        if (revision != info.Sha) cache.WriteRef(revision, info.Sha);
        Log?.Invoke($"'{cache.Repo}' at '{revision}' is commit {info.Sha}: {snapshot}");
        return snapshot;
    }

    private async Task FetchAsync(RepoCache cache, string commit, string file, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(cache.SnapshotFolder(commit), file))) return;
        var meta = await _api.GetFileMetadataAsync(cache.Repo, commit, file, ct);
        string blob = cache.BlobPath(meta.Etag);
        if (File.Exists(blob))
            Log?.Invoke($"'{file}' is already in the cache as {blob}.");
        else
        {
            string size = meta.Size is long s ? $"{s:N0} bytes" : "size unknown";
            Log?.Invoke($"Downloading '{file}' ({size}) from {meta.DownloadUrl.GetLeftPart(UriPartial.Path)} to {blob}");
            await _downloader.DownloadAsync(cache, commit, file, meta, ct);
        }
        cache.Link(commit, file, meta.Etag);
    }

    public void Dispose() => _api.Dispose();
}
