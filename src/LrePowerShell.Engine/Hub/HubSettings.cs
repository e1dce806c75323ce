using System.Globalization;
using System.Text;

namespace LrePowerShell.Engine.Hub;

/// <summary>
/// Where the hub is, where its cache lives, whether to go online and with which token: read from the
/// same environment variables as Python's <c>huggingface_hub</c>, so both share one cache and one login.
/// </summary>
public sealed record HubSettings
{
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    /// <summary>The hub (<c>HF_ENDPOINT</c>; a mirror works too).</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The cache root holding <c>models--org--name</c> folders.</summary>
    public required string CacheFolder { get; init; }

    /// <summary>Use the cache only, never the network (<c>HF_HUB_OFFLINE</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Sent as a bearer token to the hub's own host only; never printed.</summary>
    public string? Token { get; init; }

    /// <summary>Limit for a metadata request (model info, file headers): <c>HF_HUB_ETAG_TIMEOUT</c>, 10 s by default.</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit for connecting and for each wait on download data: <c>HF_HUB_DOWNLOAD_TIMEOUT</c>, 10 s by default.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The settings the environment describes. <paramref name="environment"/> replaces
    /// <see cref="Environment.GetEnvironmentVariable(string)"/> (tests pass their own).</summary>
    public static HubSettings FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => environment(name) is { Length: > 0 } v ? v : null;

        // huggingface_hub/constants.py: HF_HOME defaults to $XDG_CACHE_HOME/huggingface (~/.cache/huggingface);
        // the hub cache to HF_HUB_CACHE, then the legacy HUGGINGFACE_HUB_CACHE, then HF_HOME/hub.
        string home = ExpandHome(Get("HF_HOME") ?? Path.Combine(Get("XDG_CACHE_HOME") ?? Path.Combine("~", ".cache"), "huggingface"), environment);
        string cache = ExpandHome(Get("HF_HUB_CACHE") ?? Get("HUGGINGFACE_HUB_CACHE") ?? Path.Combine(home, "hub"), environment);
        string tokenFile = ExpandHome(Get("HF_TOKEN_PATH") ?? Path.Combine(home, "token"), environment);

        return new HubSettings
        {
            Endpoint = Get("HF_ENDPOINT") is { } e ? ParseEndpoint(e) : DefaultEndpoint,
            CacheFolder = Path.GetFullPath(cache),
            Offline = IsTrue(Get("HF_HUB_OFFLINE")),
            Token = (Get("HF_TOKEN") ?? Get("HUGGING_FACE_HUB_TOKEN"))?.Trim() ?? ReadTokenFile(tokenFile),
            MetadataTimeout = Seconds(Get("HF_HUB_ETAG_TIMEOUT"), 10),
            DownloadTimeout = Seconds(Get("HF_HUB_DOWNLOAD_TIMEOUT"), 10),
        };
    }

    /// <summary>The record's ToString without <see cref="Token"/>: settings may end up in a log, the token never.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Endpoint = {Endpoint}, CacheFolder = {CacheFolder}, Offline = {Offline}, HasToken = {Token != null}, ");
        builder.Append($"MetadataTimeout = {MetadataTimeout}, DownloadTimeout = {DownloadTimeout}");
        return true;
    }

    private static Uri ParseEndpoint(string value) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw HubErrors.EndpointInvalid(value);

    // huggingface_hub's _is_true
    private static bool IsTrue(string? value) =>
        value != null && (value.Equals("1", StringComparison.Ordinal) || value.Equals("on", StringComparison.OrdinalIgnoreCase) ||
                          value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static TimeSpan Seconds(string? value, double fallback) =>
        TimeSpan.FromSeconds(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : fallback);

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;   // an unreadable token file is the same as none: public models still work
        }
    }

    private static string ExpandHome(string path, Func<string, string?> environment)
    {
        if (path != "~" && !path.StartsWith("~/", StringComparison.Ordinal)) return path;
        string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, path.Length > 2 ? path[2..] : "");
    }
}
