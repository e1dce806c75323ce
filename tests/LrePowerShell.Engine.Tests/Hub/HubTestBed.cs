using System.Collections.Concurrent;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Hub;
using LrePowerShell.Tests.FakeHub;

namespace LrePowerShell.Engine.Tests.Hub;

/// <summary>
/// A fake hub on loopback and a temporary cache for one test: the real ~/.cache/huggingface is never
/// touched. Collects the client's log lines and progress reports, so tests can check what was said.
/// </summary>
public sealed class HubTestBed : IDisposable
{
    /// <summary>Every await on the client is bounded by this, so a hanging test fails instead of hanging.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    public HubTestBed()
    {
        Root = Directory.CreateTempSubdirectory("lre-hub-").FullName;
        Cache = Path.Combine(Root, "hub");
        Server = new FakeHubServer();
    }

    public string Root { get; }
    public string Cache { get; }
    public FakeHubServer Server { get; private set; }
    public ConcurrentQueue<string> Log { get; } = new();
    public ConcurrentQueue<HubDownloadProgress> Progress { get; } = new();

    public HubSettings Settings(string? token = null, bool offline = false, double downloadTimeoutSeconds = 5) => new()
    {
        Endpoint = new Uri(Server.Endpoint),
        CacheFolder = Cache,
        Token = token,
        Offline = offline,
        MetadataTimeout = TimeSpan.FromSeconds(5),
        DownloadTimeout = TimeSpan.FromSeconds(downloadTimeoutSeconds),
    };

    public HubClient Client(HubSettings? settings = null) => new(settings ?? Settings(), Progress.Enqueue, Log.Enqueue);

    /// <summary>Downloads with a fresh client and a bounded wait.</summary>
    public async Task<string> GetAsync(string repo, string revision = "main", HubSettings? settings = null, bool refresh = false, CancellationToken ct = default)
    {
        using var client = Client(settings);
        return await client.GetModelAsync(repo, revision, refresh, ct).WaitAsync(TestTimeout);
    }

    public async Task<LreException> FailAsync(string repo, string revision = "main", HubSettings? settings = null) =>
        await Assert.ThrowsAsync<LreException>(() => GetAsync(repo, revision, settings));

    /// <summary>Replaces the server (the old one is gone) with a new one on another port.</summary>
    public FakeHubServer RestartServer()
    {
        Server.Dispose();
        return Server = new FakeHubServer();
    }

    public string RepoFolder(string repo) => Path.Combine(Cache, RepoId.FolderName(repo));

    public string[] Blobs(string repo) =>
        Directory.Exists(Path.Combine(RepoFolder(repo), "blobs")) ? Directory.GetFiles(Path.Combine(RepoFolder(repo), "blobs")).Select(f => Path.GetFileName(f)).ToArray() : [];

    public static Dictionary<string, byte[]> FixtureFiles(string fixture) =>
        Directory.GetFiles(SharedData.Fixture(fixture)).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    public int Count(Func<FakeHubRequest, bool> which) => Server.Requests.Count(which);

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(Root, true);
    }
}
