using System.Text;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Hub;
using LrePowerShell.Engine.Loading;

namespace LrePowerShell.Engine.Tests.Hub;

/// <summary>What goes wrong: tokens, unknown repositories, broken and corrupted transfers, a server that goes
/// away, pickle-only repositories, shard names that escape. Whatever fails leaves no corrupt cache entry.</summary>
public sealed class HubFailureTests : IDisposable
{
    private const string Repo = "meta-llama/Llama-3.2-1B";
    private const string Weights = "model.safetensors";
    private const string Token = "hf_FakeTokenForTestsOnly0123456789";
    private readonly HubTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private Dictionary<string, byte[]> AddLlama(bool gated = false)
    {
        var files = HubTestBed.FixtureFiles("llama");
        _bed.Server.AddRepo(Repo, gated).AddCommit(files, "main");
        return files;
    }

    /// <summary>No blob, no partial file of it, no snapshot entry and no ref: the cache is as if nothing happened.</summary>
    private void AssertNoEntryFor(byte[] content)
    {
        string sha = HubTestBed.Sha256(content);
        Assert.DoesNotContain(_bed.Blobs(Repo), b => b == sha);
        string snapshots = Path.Combine(_bed.RepoFolder(Repo), "snapshots");
        if (Directory.Exists(snapshots))
            Assert.Empty(Directory.GetFiles(snapshots, Weights, SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(_bed.RepoFolder(Repo), "refs", "main")));
    }

    [SharedFact]
    public async Task A_gated_model_without_a_token_says_how_to_pass_one()
    {
        AddLlama(gated: true);
        _bed.Server.Token = Token;

        var none = await _bed.FailAsync(Repo);
        var wrong = await _bed.FailAsync(Repo, settings: _bed.Settings(token: "hf_wrong"));

        foreach (var ex in new[] { none, wrong })
        {
            Assert.Equal(HubErrors.AuthRequiredId, ex.ErrorId);
            Assert.Equal(LreErrorKind.PermissionDenied, ex.Kind);
            Assert.Contains("HF_TOKEN", ex.Message);
            Assert.Contains("huggingface-cli login", ex.Message);
            Assert.Contains("https://huggingface.co/" + Repo, ex.Message);
        }
        Assert.DoesNotContain("hf_wrong", wrong.Message);
    }

    [SharedFact]
    public async Task A_gated_model_with_a_token_downloads_and_the_token_is_never_shown_or_stored()
    {
        AddLlama(gated: true);
        _bed.Server.Token = Token;

        string snapshot = await _bed.GetAsync(Repo, settings: _bed.Settings(token: Token));

        Assert.True(File.Exists(Path.Combine(snapshot, Weights)));
        Assert.All(_bed.Server.Requests.Where(r => r.Path.Contains("/resolve/")), r => Assert.True(r.Authorized));
        Assert.DoesNotContain(_bed.Log, l => l.Contains(Token));
        Assert.DoesNotContain(_bed.Progress, p => p.ToString().Contains(Token));
        Assert.DoesNotContain(Token, _bed.Settings(token: Token).ToString());
        byte[] needle = Encoding.UTF8.GetBytes(Token);
        foreach (var file in Directory.GetFiles(_bed.Root, "*", SearchOption.AllDirectories))
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf(needle));
    }

    [SharedFact]
    public async Task An_unknown_repository_is_HubRepoNotFound()
    {
        var ex = await _bed.FailAsync("nobody/nothing");

        Assert.Equal(HubErrors.RepoNotFoundId, ex.ErrorId);
        Assert.Equal(LreErrorKind.NotFound, ex.Kind);
        Assert.Contains("nobody/nothing", ex.Message);
        Assert.False(Directory.Exists(Path.Combine(_bed.RepoFolder("nobody/nothing"), "snapshots")));
    }

    [SharedFact]
    public async Task A_connection_cut_mid_file_is_resumed_with_a_range_request()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        repo.AddCommit(files, "main");
        repo.CutOnce(Weights, 100_000);

        string snapshot = await _bed.GetAsync(Repo);

        var gets = _bed.Server.Requests.Where(r => r.Method == "GET" && r.Path.StartsWith("/lfs/")).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        Assert.Equal("bytes=100000-", gets[1].Range);
        Assert.Equal(files[Weights], File.ReadAllBytes(Path.Combine(snapshot, Weights)));
        Assert.Equal("../../blobs/" + HubTestBed.Sha256(files[Weights]), new FileInfo(Path.Combine(snapshot, Weights)).LinkTarget);
        Assert.Contains(_bed.Log, l => l.Contains("resuming after the 100,000 bytes"));
    }

    [SharedFact]
    public async Task A_stalled_transfer_times_out_and_resumes()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        repo.AddCommit(files, "main");
        repo.StallOnce(Weights, 50_000);

        string snapshot = await _bed.GetAsync(Repo, settings: _bed.Settings(downloadTimeoutSeconds: 1));

        Assert.Equal(files[Weights], File.ReadAllBytes(Path.Combine(snapshot, Weights)));
        Assert.Contains(_bed.Server.Requests, r => r.Range == "bytes=50000-");
        Assert.Contains(_bed.Log, l => l.Contains("no data for 1 s"));
    }

    [SharedFact]
    public async Task A_corrupted_body_fails_the_checksum_and_leaves_nothing_in_the_cache()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        repo.AddCommit(files, "main");
        repo.Corrupt(Weights);

        var ex = await _bed.FailAsync(Repo);

        Assert.Equal(HubErrors.ChecksumMismatchId, ex.ErrorId);
        Assert.Contains(HubTestBed.Sha256(files[Weights]), ex.Message);
        AssertNoEntryFor(files[Weights]);
        Assert.DoesNotContain(_bed.Blobs(Repo), b => b.EndsWith(".incomplete"));
    }

    [SharedFact]
    public async Task The_server_going_away_mid_download_fails_cleanly_and_the_next_run_resumes()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        repo.AddCommit(files, "main");
        repo.GoAwayAfter(Weights, 200_000);

        var ex = await _bed.FailAsync(Repo);

        Assert.Equal(HubErrors.DownloadFailedId, ex.ErrorId);
        Assert.Contains(Weights, ex.Message);
        AssertNoEntryFor(files[Weights]);
        string partial = Path.Combine(_bed.RepoFolder(Repo), "blobs", HubTestBed.Sha256(files[Weights]) + ".incomplete");
        Assert.Equal(200_000, new FileInfo(partial).Length);

        // the hub is back (on another port): the next run resumes where the last one stopped
        _bed.RestartServer().AddRepo(Repo).AddCommit(files, "main");
        string snapshot = await _bed.GetAsync(Repo);

        Assert.Equal("bytes=200000-", _bed.Server.Requests.Single(r => r.Method == "GET" && r.Path.StartsWith("/lfs/")).Range);
        Assert.Equal(files[Weights], File.ReadAllBytes(Path.Combine(snapshot, Weights)));
        Assert.False(File.Exists(partial));
    }

    [SharedFact]
    public async Task An_unreachable_hub_is_HubUnreachable()
    {
        _bed.Server.Stop();

        var ex = await _bed.FailAsync(Repo);

        Assert.Equal(HubErrors.UnreachableId, ex.ErrorId);
        Assert.Contains("-Offline", ex.Message);
    }

    [SharedFact]
    public async Task Cancellation_stops_a_download_without_a_cache_entry()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        repo.AddCommit(files, "main");
        repo.StallOnce(Weights, 10_000);
        using var cancel = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!_bed.Progress.Any(p => p.FileName == Weights)) await Task.Delay(20);
            cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.GetAsync(Repo, settings: _bed.Settings(downloadTimeoutSeconds: 30), ct: cancel.Token));

        AssertNoEntryFor(files[Weights]);
    }

    [SharedFact]
    public async Task A_repository_with_only_pickle_weights_is_refused_before_downloading_them()
    {
        var files = HubTestBed.FixtureFiles("llama");
        files.Remove(Weights);
        files["pytorch_model.bin"] = "not really a pickle"u8.ToArray();
        _bed.Server.AddRepo(Repo).AddCommit(files, "main");

        var ex = await _bed.FailAsync(Repo);

        Assert.Equal(HubErrors.PickleOnlyId, ex.ErrorId);
        Assert.Contains("unpickling can run arbitrary code", ex.Message);
        Assert.DoesNotContain(_bed.Server.Requests, r => r.Path.Contains("/resolve/"));
    }

    [SharedFact]
    public async Task A_repository_without_config_or_weights_is_HubModelFilesMissing()
    {
        var noConfig = HubTestBed.FixtureFiles("llama");
        noConfig.Remove("config.json");
        _bed.Server.AddRepo("a/no-config").AddCommit(noConfig, "main");
        var noWeights = HubTestBed.FixtureFiles("llama");
        noWeights.Remove(Weights);
        _bed.Server.AddRepo("a/no-weights").AddCommit(noWeights, "main");

        Assert.Contains("config.json", (await _bed.FailAsync("a/no-config")).Message);
        var ex = await _bed.FailAsync("a/no-weights");
        Assert.Equal(HubErrors.ModelFilesMissingId, ex.ErrorId);
        Assert.Contains("model.safetensors", ex.Message);
    }

    [SharedFact]
    public async Task A_shard_index_naming_a_file_outside_the_snapshot_is_refused()
    {
        var files = HubTestBed.FixtureFiles("llama");
        files[ShardIndex.FileName] = """{"weight_map": {"model.embed_tokens.weight": "../../../evil.safetensors"}}"""u8.ToArray();
        files["../../../evil.safetensors"] = files[Weights];
        files.Remove(Weights);
        _bed.Server.AddRepo(Repo).AddCommit(files, "main");

        var ex = await _bed.FailAsync(Repo);

        Assert.Equal("SafetensorsIndexInvalid", ex.ErrorId);
        Assert.Contains("../../../evil.safetensors", ex.Message);
        Assert.DoesNotContain(_bed.Server.Requests, r => r.Path.Contains("evil"));
        Assert.Empty(Directory.GetFiles(_bed.Root, "evil*", SearchOption.AllDirectories));
    }

    [SharedFact]
    public async Task A_cache_folder_that_cannot_be_created_is_HubCacheFailed()
    {
        AddLlama();
        string notAFolder = Path.Combine(_bed.Root, "a-file");
        File.WriteAllText(notAFolder, "");

        var ex = await _bed.FailAsync(Repo, settings: _bed.Settings() with { CacheFolder = Path.Combine(notAFolder, "hub") });

        Assert.Equal(HubErrors.CacheFailedId, ex.ErrorId);
        Assert.Contains("HF_HUB_CACHE", ex.Message);
    }

    [SharedFact]
    public async Task A_cached_shard_index_that_escapes_is_refused_too()
    {
        AddLlama();
        string snapshot = await _bed.GetAsync(Repo);
        File.Delete(Path.Combine(snapshot, Weights));
        File.WriteAllText(Path.Combine(snapshot, ShardIndex.FileName), """{"weight_map": {"x": "../x.safetensors"}}""");

        var ex = await _bed.FailAsync(Repo, settings: _bed.Settings(offline: true));

        Assert.Equal("SafetensorsIndexInvalid", ex.ErrorId);
    }
}
