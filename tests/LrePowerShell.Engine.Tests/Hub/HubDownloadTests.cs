using System.Text.Json.Nodes;
using LrePowerShell.Engine.Hub;
using LrePowerShell.Engine.Loading;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Hub;

/// <summary>Downloads that succeed: the cache layout huggingface_hub writes, cache hits without a request,
/// offline use, revisions, sharded weights, renamed repositories.</summary>
public sealed class HubDownloadTests : IDisposable
{
    private const string Repo = "openai-community/gpt2";
    private readonly HubTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [SharedFact]
    public async Task First_download_lays_out_the_cache_as_huggingface_hub_and_the_model_loads()
    {
        var files = HubTestBed.FixtureFiles("llama");
        string commit = _bed.Server.AddRepo(Repo).AddCommit(files, "main");

        string snapshot = await _bed.GetAsync(Repo);

        string repoFolder = _bed.RepoFolder(Repo);
        Assert.Equal(Path.Combine(repoFolder, "snapshots", commit), snapshot);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "main")));   // the bare hash, no newline
        foreach (var (name, content) in files)
        {
            var link = new FileInfo(Path.Combine(snapshot, name));
            string etag = name.EndsWith(".safetensors") ? HubTestBed.Sha256(content) : LrePowerShell.Tests.FakeHub.FakeHubServer.GitBlobSha1(content);
            Assert.Equal("../../blobs/" + etag, link.LinkTarget);
            Assert.Equal(content, File.ReadAllBytes(link.FullName));
        }
        Assert.DoesNotContain(_bed.Blobs(Repo), b => b.EndsWith(".incomplete"));
        Assert.True(File.Exists(Path.Combine(_bed.Cache, ".locks", "models--openai-community--gpt2", HubTestBed.Sha256(files["model.safetensors"]) + ".lock")));

        using var model = LanguageModel.Load(snapshot);
        Assert.Equal("llama", model.ModelType);
    }

    [SharedFact]
    public async Task A_second_import_is_a_cache_hit_with_no_request()
    {
        _bed.Server.AddRepo(Repo).AddFolder(SharedData.Fixture("gpt2"), "main");
        string first = await _bed.GetAsync(Repo);
        int requests = _bed.Server.Requests.Length;
        Assert.True(requests > 0);

        string second = await _bed.GetAsync(Repo);

        Assert.Equal(first, second);
        Assert.Equal(requests, _bed.Server.Requests.Length);
        Assert.Contains(_bed.Log, l => l.Contains("is in the cache"));
    }

    [SharedFact]
    public async Task Progress_reports_each_file_with_bytes_total_and_completion()
    {
        var files = HubTestBed.FixtureFiles("gpt2");
        _bed.Server.AddRepo(Repo).AddCommit(files, "main");

        await _bed.GetAsync(Repo);

        var weights = _bed.Progress.Where(p => p.FileName == "model.safetensors").ToList();
        long size = files["model.safetensors"].Length;
        Assert.All(weights, p => Assert.Equal(size, p.TotalBytes));
        Assert.All(weights, p => Assert.Equal(Repo, p.RepoId));
        Assert.Equal(0, weights[0].BytesDone);
        Assert.True(weights[^1].Completed);
        Assert.Equal(size, weights[^1].BytesDone);
        Assert.Equal(1, weights.Count(p => p.Completed));
        Assert.Equal(files.Keys.Order(), _bed.Progress.Where(p => p.Completed).Select(p => p.FileName).Order());
        Assert.Contains(_bed.Log, l => l.Contains("Downloading 'model.safetensors'") && l.Contains(Path.Combine(_bed.RepoFolder(Repo), "blobs")));
    }

    [SharedFact]
    public async Task Offline_uses_the_cache_and_fails_clearly_without_it()
    {
        _bed.Server.AddRepo(Repo).AddFolder(SharedData.Fixture("llama"), "main");
        var offline = _bed.Settings(offline: true);

        var missing = await _bed.FailAsync(Repo, settings: offline);
        Assert.Equal(HubErrors.OfflineNotCachedId, missing.ErrorId);
        Assert.Contains(_bed.Cache, missing.Message);

        string online = await _bed.GetAsync(Repo);
        int requests = _bed.Server.Requests.Length;
        Assert.Equal(online, await _bed.GetAsync(Repo, settings: offline));
        Assert.Equal(online, await _bed.GetAsync(Repo, Path.GetFileName(online), offline));   // by commit hash
        Assert.Equal(requests, _bed.Server.Requests.Length);

        Assert.Equal(HubErrors.OfflineNotCachedId, (await _bed.FailAsync(Repo, "v2", offline)).ErrorId);
    }

    [SharedFact]
    public async Task Offline_refuses_an_incomplete_snapshot()
    {
        _bed.Server.AddRepo(Repo).AddFolder(SharedData.Fixture("llama"), "main");
        string snapshot = await _bed.GetAsync(Repo);
        File.Delete(Path.Combine(snapshot, "model.safetensors"));

        var ex = await _bed.FailAsync(Repo, settings: _bed.Settings(offline: true));

        Assert.Equal(HubErrors.OfflineNotCachedId, ex.ErrorId);
        Assert.Contains("weights", ex.Message);
    }

    [SharedFact]
    public async Task Revisions_get_their_own_snapshot_and_share_identical_blobs()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        string v1 = repo.AddCommit(files, "v1");
        var changed = new Dictionary<string, byte[]>(files) { ["generation_config.json"] = "{\"do_sample\": false}"u8.ToArray() };
        string main = repo.AddCommit(changed, "main");

        string oldSnapshot = await _bed.GetAsync(Repo, "v1");
        string newSnapshot = await _bed.GetAsync(Repo);
        string byCommit = await _bed.GetAsync(Repo, v1);

        Assert.EndsWith(v1, oldSnapshot);
        Assert.EndsWith(main, newSnapshot);
        Assert.Equal(oldSnapshot, byCommit);
        Assert.False(File.Exists(Path.Combine(oldSnapshot, "generation_config.json")));
        Assert.True(File.Exists(Path.Combine(newSnapshot, "generation_config.json")));
        Assert.Equal(v1, File.ReadAllText(Path.Combine(_bed.RepoFolder(Repo), "refs", "v1")));
        Assert.Equal(main, File.ReadAllText(Path.Combine(_bed.RepoFolder(Repo), "refs", "main")));
        Assert.False(File.Exists(Path.Combine(_bed.RepoFolder(Repo), "refs", v1)));   // a commit needs no ref
        Assert.Equal(1, _bed.Count(r => r.Method == "GET" && r.Path.StartsWith("/lfs/")));   // the weights came once

        var unknown = await _bed.FailAsync(Repo, "v9");
        Assert.Equal(HubErrors.RevisionNotFoundId, unknown.ErrorId);
        Assert.Contains("v9", unknown.Message);
    }

    [SharedFact]
    public async Task A_revision_with_slashes_is_escaped_in_the_url_and_nested_under_refs()
    {
        string commit = _bed.Server.AddRepo(Repo).AddFolder(SharedData.Fixture("llama"), "refs/pr/1");

        string snapshot = await _bed.GetAsync(Repo, "refs/pr/1");

        Assert.EndsWith(commit, snapshot);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(_bed.RepoFolder(Repo), "refs", "refs", "pr", "1")));
        Assert.Contains(_bed.Server.Requests, r => r.Path == $"/api/models/{Repo}/revision/refs/pr/1");
    }

    [SharedFact]
    public async Task Refresh_asks_the_hub_for_the_current_commit_of_a_cached_branch()
    {
        var files = HubTestBed.FixtureFiles("llama");
        var repo = _bed.Server.AddRepo(Repo);
        string first = repo.AddCommit(files, "main");
        await _bed.GetAsync(Repo);
        string second = repo.AddCommit(new Dictionary<string, byte[]>(files) { ["generation_config.json"] = "{}"u8.ToArray() }, "main");

        Assert.EndsWith(first, await _bed.GetAsync(Repo));
        Assert.EndsWith(second, await _bed.GetAsync(Repo, refresh: true));
        Assert.Equal(second, File.ReadAllText(Path.Combine(_bed.RepoFolder(Repo), "refs", "main")));
    }

    [SharedFact]
    public async Task Sharded_weights_download_the_index_and_every_shard()
    {
        var files = HubTestBed.FixtureFiles("qwen2");
        files.Remove("model.safetensors");
        var map = new JsonObject();
        using (var scope = NewDisposeScope())
        using (var single = SafetensorsFile.Open(Path.Combine(SharedData.Fixture("qwen2"), "model.safetensors")))
        {
            var names = single.Entries.Keys.Order().ToArray();
            for (int shard = 0; shard < 2; shard++)
            {
                string name = $"model-0000{shard + 1}-of-00002.safetensors";
                string temp = Path.Combine(_bed.Root, name);
                var part = names.Where((_, i) => i % 2 == shard).ToArray();
                SafetensorsFile.Write(temp, part.Select(n => (n, single.Read(n).clone())));
                files[name] = File.ReadAllBytes(temp);
                foreach (var n in part) map[n] = name;
            }
        }
        files[ShardIndex.FileName] = System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
        _bed.Server.AddRepo("Qwen/Qwen2.5-0.5B").AddCommit(files, "main");

        string snapshot = await _bed.GetAsync("Qwen/Qwen2.5-0.5B");

        Assert.False(File.Exists(Path.Combine(snapshot, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(snapshot, "model-00002-of-00002.safetensors")));
        using var sharded = LanguageModel.Load(snapshot);
        using var reference = LanguageModel.Load(SharedData.Fixture("qwen2"));
        Assert.Equal(reference.ParameterCount, sharded.ParameterCount);
    }

    [SharedFact]
    public async Task Only_the_files_a_model_needs_are_downloaded()
    {
        var files = HubTestBed.FixtureFiles("llama");
        files["pytorch_model.bin"] = "pickle"u8.ToArray();
        files["flax_model.msgpack"] = "flax"u8.ToArray();
        files["README.md"] = "# readme"u8.ToArray();
        _bed.Server.AddRepo(Repo).AddCommit(files, "main");

        string snapshot = await _bed.GetAsync(Repo);

        Assert.Equal(HubTestBed.FixtureFiles("llama").Keys.Order(), Directory.GetFiles(snapshot).Select(Path.GetFileName).Order());
        Assert.DoesNotContain(_bed.Server.Requests, r => r.Path.EndsWith(".bin") || r.Path.EndsWith(".msgpack") || r.Path.EndsWith(".md"));
    }

    [SharedFact]
    public async Task A_renamed_repository_is_followed_through_relative_redirects()
    {
        _bed.Server.AddRepo(Repo).AddFolder(SharedData.Fixture("llama"), "main");
        _bed.Server.Rename("gpt2", Repo);

        string snapshot = await _bed.GetAsync("gpt2");

        Assert.StartsWith(_bed.RepoFolder("gpt2"), snapshot);   // cached under the name asked for, as huggingface_hub does
        Assert.True(File.Exists(Path.Combine(snapshot, "model.safetensors")));
    }

    [SharedFact]
    public async Task A_cache_laid_out_by_python_loads_with_no_request()
    {
        // what huggingface_hub leaves behind: blobs named by etag, relative links, refs/main
        const string commit = "607a30d783dfa663caf39e06633721c8d4cfcd7e";
        string repoFolder = _bed.RepoFolder(Repo);
        string snapshot = Path.Combine(repoFolder, "snapshots", commit);
        Directory.CreateDirectory(Path.Combine(repoFolder, "blobs"));
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repoFolder, "refs"));
        foreach (var (name, content) in HubTestBed.FixtureFiles("gpt2"))
        {
            string etag = name.EndsWith(".safetensors") ? HubTestBed.Sha256(content) : LrePowerShell.Tests.FakeHub.FakeHubServer.GitBlobSha1(content);
            File.WriteAllBytes(Path.Combine(repoFolder, "blobs", etag), content);
            File.CreateSymbolicLink(Path.Combine(snapshot, name), "../../blobs/" + etag);
        }
        File.WriteAllText(Path.Combine(repoFolder, "refs", "main"), commit);
        _bed.Server.Stop();   // nothing listens: any request would fail

        string found = await _bed.GetAsync(Repo);

        Assert.Equal(snapshot, found);
        Assert.Empty(_bed.Server.Requests);
        using var model = LanguageModel.Load(found);
        Assert.Equal("gpt2", model.ModelType);
    }

    [SharedFact]
    public async Task A_process_holding_the_blob_lock_is_waited_for()
    {
        var files = HubTestBed.FixtureFiles("llama");
        _bed.Server.AddRepo(Repo).AddCommit(files, "main");
        string lockPath = Path.Combine(_bed.Cache, ".locks", RepoId.FolderName(Repo), HubTestBed.Sha256(files["model.safetensors"]) + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);

        Task<string> download;
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            download = _bed.GetAsync(Repo);
            var deadline = DateTime.UtcNow + HubTestBed.TestTimeout;
            while (!_bed.Log.Any(l => l.Contains("Waiting for another process")) && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Contains(_bed.Log, l => l.Contains("Waiting for another process"));
            Assert.False(download.IsCompleted);
            Assert.DoesNotContain(_bed.Server.Requests, r => r.Path.StartsWith("/lfs/"));
        }

        string snapshot = await download;
        Assert.True(File.Exists(Path.Combine(snapshot, "model.safetensors")));
    }

    [SharedFact]
    public async Task Two_clients_fetching_one_model_at_once_transfer_each_blob_once()
    {
        _bed.Server.AddRepo(Repo).AddFolder(SharedData.Fixture("gpt2"), "main");

        var both = await Task.WhenAll(_bed.GetAsync(Repo), _bed.GetAsync(Repo));

        Assert.Equal(both[0], both[1]);
        Assert.Equal(1, _bed.Count(r => r.Method == "GET" && r.Path.StartsWith("/lfs/")));
        using var model = LanguageModel.Load(both[0]);
        Assert.Equal("gpt2", model.ModelType);
    }
}
