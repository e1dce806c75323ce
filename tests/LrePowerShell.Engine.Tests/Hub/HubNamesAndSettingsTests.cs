using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Hub;

namespace LrePowerShell.Engine.Tests.Hub;

/// <summary>Aliases, hub ids, revisions, and the environment variables huggingface_hub reads.</summary>
public sealed class HubNamesAndSettingsTests
{
    private static HubSettings FromEnvironment(params (string Name, string Value)[] variables)
    {
        var env = variables.ToDictionary(v => v.Name, v => v.Value);
        env.TryAdd("HOME", "/home/researcher");
        return HubSettings.FromEnvironment(name => env.GetValueOrDefault(name));
    }

    [Theory]
    [InlineData("gpt2", "openai-community/gpt2")]
    [InlineData("gpt2-xl", "openai-community/gpt2-xl")]
    [InlineData("GPT2-XL", "openai-community/gpt2-xl")]
    [InlineData("gpt-j-6b", "EleutherAI/gpt-j-6b")]
    [InlineData("llama-3.2-1b", "meta-llama/Llama-3.2-1B")]
    [InlineData("qwen2.5-0.5b", "Qwen/Qwen2.5-0.5B")]
    [InlineData("qwen3-0.6b", "Qwen/Qwen3-0.6B")]
    [InlineData("gemma-2-2b", "google/gemma-2-2b")]
    [InlineData("gemma-3-270m", "google/gemma-3-270m")]
    [InlineData("Qwen/Qwen3-0.6B", "Qwen/Qwen3-0.6B")]
    [InlineData("distilgpt2", "distilgpt2")]
    public void Names_resolve_to_hub_ids(string name, string repo) => Assert.Equal(repo, ModelAliases.RepoIdFor(name));

    [Fact]
    public void Every_alias_targets_a_valid_hub_id()
    {
        foreach (var (alias, repo) in ModelAliases.All)
        {
            Assert.True(RepoId.IsValid(repo), alias);
            Assert.Contains('/', repo);
        }
        foreach (var contract in new[] { "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "gpt-j-6b", "llama-3.2-1b", "qwen2.5-0.5b", "qwen3-0.6b", "gemma-2-2b", "gemma-3-270m" })
            Assert.True(ModelAliases.All.ContainsKey(contract), contract);
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("../secrets")]
    [InlineData("org/na me")]
    [InlineData("org--x/name")]
    [InlineData("-org/name")]
    [InlineData("org/name.git")]
    [InlineData("")]
    public void Invalid_names_are_HubNameInvalid(string name)
    {
        var ex = Assert.Throws<LreException>(() => ModelAliases.RepoIdFor(name));
        Assert.Equal(HubErrors.NameInvalidId, ex.ErrorId);
        Assert.Contains("gpt2-xl", ex.Message);
    }

    [Theory]
    [InlineData("main", true)]
    [InlineData("v1.0", true)]
    [InlineData("refs/pr/12", true)]
    [InlineData("607a30d783dfa663caf39e06633721c8d4cfcd7e", true)]
    [InlineData("../../x", false)]
    [InlineData("refs/../../x", false)]
    [InlineData("/etc", false)]
    [InlineData("a\\b", false)]
    [InlineData("", false)]
    public void Revisions_cannot_leave_the_refs_folder(string revision, bool valid) => Assert.Equal(valid, RepoId.IsValidRevision(revision));

    [Fact]
    public async Task An_invalid_revision_is_refused_before_any_request()
    {
        using var bed = new HubTestBed();
        var ex = await bed.FailAsync("openai-community/gpt2", "../../outside");
        Assert.Equal(HubErrors.RevisionInvalidId, ex.ErrorId);
        Assert.Empty(bed.Server.Requests);
    }

    [Fact]
    public void The_cache_folder_follows_huggingface_hub_precedence()
    {
        Assert.Equal("/home/researcher/.cache/huggingface/hub", FromEnvironment().CacheFolder);
        Assert.Equal("/xdg/huggingface/hub", FromEnvironment(("XDG_CACHE_HOME", "/xdg")).CacheFolder);
        Assert.Equal("/hf/hub", FromEnvironment(("HF_HOME", "/hf"), ("XDG_CACHE_HOME", "/xdg")).CacheFolder);
        Assert.Equal("/legacy", FromEnvironment(("HF_HOME", "/hf"), ("HUGGINGFACE_HUB_CACHE", "/legacy")).CacheFolder);
        Assert.Equal("/cache", FromEnvironment(("HF_HOME", "/hf"), ("HUGGINGFACE_HUB_CACHE", "/legacy"), ("HF_HUB_CACHE", "/cache")).CacheFolder);
        Assert.Equal("/home/researcher/models", FromEnvironment(("HF_HUB_CACHE", "~/models")).CacheFolder);
    }

    [Fact]
    public void Endpoint_offline_and_timeouts_come_from_the_environment()
    {
        var defaults = FromEnvironment();
        Assert.Equal(new Uri("https://huggingface.co"), defaults.Endpoint);
        Assert.False(defaults.Offline);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.DownloadTimeout);

        var set = FromEnvironment(("HF_ENDPOINT", "https://hf-mirror.com/"), ("HF_HUB_OFFLINE", "1"), ("HF_HUB_ETAG_TIMEOUT", "2.5"), ("HF_HUB_DOWNLOAD_TIMEOUT", "30"));
        Assert.Equal(new Uri("https://hf-mirror.com"), set.Endpoint);
        Assert.True(set.Offline);
        Assert.Equal(TimeSpan.FromSeconds(2.5), set.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), set.DownloadTimeout);
        foreach (var yes in new[] { "ON", "yes", "True" }) Assert.True(FromEnvironment(("HF_HUB_OFFLINE", yes)).Offline);
        Assert.False(FromEnvironment(("HF_HUB_OFFLINE", "0")).Offline);

        var ex = Assert.Throws<LreException>(() => FromEnvironment(("HF_ENDPOINT", "ftp://mirror")));
        Assert.Equal(HubErrors.EndpointInvalidId, ex.ErrorId);
    }

    [Fact]
    public void The_token_comes_from_HF_TOKEN_else_the_token_file()
    {
        string home = Directory.CreateTempSubdirectory("lre-hfhome-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(home, "token"), "hf_from_file\n");
            string other = Path.Combine(home, "other-token");
            File.WriteAllText(other, "hf_from_token_path");

            Assert.Equal("hf_from_file", FromEnvironment(("HF_HOME", home)).Token);
            Assert.Equal("hf_from_token_path", FromEnvironment(("HF_HOME", home), ("HF_TOKEN_PATH", other)).Token);
            Assert.Equal("hf_from_env", FromEnvironment(("HF_HOME", home), ("HF_TOKEN", "hf_from_env")).Token);
            Assert.Equal("hf_legacy", FromEnvironment(("HF_HOME", home), ("HUGGING_FACE_HUB_TOKEN", "hf_legacy")).Token);
            Assert.Null(FromEnvironment(("HF_HOME", Path.Combine(home, "none"))).Token);
            Assert.DoesNotContain("hf_from_file", FromEnvironment(("HF_HOME", home)).ToString());
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }
}
