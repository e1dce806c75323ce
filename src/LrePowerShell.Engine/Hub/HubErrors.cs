using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Hub;

/// <summary>
/// The hub client's <see cref="LreException"/>s and their stable ids. No message ever contains the
/// token: messages name the repository, revision, file, URL (which never carries credentials) and cache.
/// </summary>
public static class HubErrors
{
    public const string NameInvalidId = "HubNameInvalid";
    public const string EndpointInvalidId = "HubEndpointInvalid";
    public const string RevisionInvalidId = "HubRevisionInvalid";
    public const string RepoNotFoundId = "HubRepoNotFound";
    public const string RevisionNotFoundId = "HubRevisionNotFound";
    public const string AuthRequiredId = "HubAuthRequired";
    public const string OfflineNotCachedId = "HubOfflineNotCached";
    public const string UnreachableId = "HubUnreachable";
    public const string DownloadFailedId = "HubDownloadFailed";
    public const string ChecksumMismatchId = "HubChecksumMismatch";
    public const string PickleOnlyId = "HubPickleOnly";
    public const string ModelFilesMissingId = "HubModelFilesMissing";
    public const string CacheFailedId = "HubCacheFailed";

    internal static LreException NameInvalid(string name) =>
        new(NameInvalidId, LreErrorKind.InvalidArgument,
            $"'{name}' is neither a model alias ({string.Join(", ", ModelAliases.All.Keys)}), nor a Hugging Face hub id " +
            "like 'openai-community/gpt2' (letters, digits, '-', '_', '.'; at most 96 characters), nor an existing folder.");

    internal static LreException EndpointInvalid(string value) =>
        new(EndpointInvalidId, LreErrorKind.InvalidArgument, $"HF_ENDPOINT '{value}' is not an http(s) URL.");

    internal static LreException RevisionInvalid(string revision) =>
        new(RevisionInvalidId, LreErrorKind.InvalidArgument,
            $"'{revision}' is not a valid revision: give a branch, a tag or a commit hash (no '..', no leading '/').");

    internal static LreException RepoNotFound(string repo, Uri endpoint) =>
        new(RepoNotFoundId, LreErrorKind.NotFound,
            $"The model '{repo}' does not exist on {endpoint}. Check the spelling (hub ids are 'organisation/name'); " +
            "if it is private, set HF_TOKEN to a token that can read it.");

    internal static LreException RevisionNotFound(string repo, string revision) =>
        new(RevisionNotFoundId, LreErrorKind.NotFound,
            $"The model '{repo}' has no revision '{revision}' (a branch, tag or commit hash).");

    internal static LreException AuthRequired(string repo, bool hadToken) =>
        new(AuthRequiredId, LreErrorKind.PermissionDenied,
            (hadToken
                ? $"The hub refused the token for '{repo}'. "
                : $"'{repo}' needs a Hugging Face token. ") +
            "Set the HF_TOKEN environment variable or run 'huggingface-cli login' (it writes the token file the module reads). " +
            $"Gated models such as Llama and Gemma also need access granted on the model page: https://huggingface.co/{repo}.");

    internal static LreException OfflineNotCached(string repo, string revision, string cacheFolder, string detail) =>
        new(OfflineNotCachedId, LreErrorKind.ResourceUnavailable,
            $"Offline (-Offline or HF_HUB_OFFLINE), and '{repo}' at revision '{revision}' is not in the cache '{cacheFolder}': {detail} " +
            "Run once online to download it, or point HF_HUB_CACHE / HF_HOME at a cache that has it.");

    internal static LreException Unreachable(Uri endpoint, string detail, Exception? inner = null) =>
        new(UnreachableId, LreErrorKind.ResourceUnavailable,
            $"Could not reach the Hugging Face hub at {endpoint}: {detail}. Check the network or HF_ENDPOINT; " +
            "a model already in the cache loads with -Offline (or HF_HUB_OFFLINE=1).", inner);

    internal static LreException DownloadFailed(string what, string detail, Exception? inner = null) =>
        new(DownloadFailedId, LreErrorKind.ResourceUnavailable, $"Downloading {what} failed: {detail}", inner);

    internal static LreException ChecksumMismatch(string repo, string file, string expected, string actual) =>
        new(ChecksumMismatchId, LreErrorKind.InvalidData,
            $"'{file}' of '{repo}' arrived corrupted: its sha256 is {actual}, the hub says {expected}. " +
            "Nothing was put in the cache; try again.");

    internal static LreException PickleOnly(string repo, string revision) =>
        new(PickleOnlyId, LreErrorKind.NotSupported,
            $"'{repo}' at revision '{revision}' has only PyTorch pickle weights (pytorch_model*.bin). They are not downloaded " +
            "because unpickling can run arbitrary code. Look for a safetensors revision of the model (the hub's conversion bot " +
            "often opens one as a pull request: -Revision refs/pr/N) or convert the weights yourself.");

    internal static LreException ModelFilesMissing(string repo, string revision, string detail) =>
        new(ModelFilesMissingId, LreErrorKind.NotFound, $"'{repo}' at revision '{revision}' is not a loadable model: {detail}");

    internal static LreException CacheFailed(string path, Exception inner) =>
        new(CacheFailedId, LreErrorKind.ResourceUnavailable,
            $"The hub cache at '{path}' could not be read or written: {inner.Message} (set HF_HUB_CACHE or HF_HOME to a writable folder).", inner);
}
