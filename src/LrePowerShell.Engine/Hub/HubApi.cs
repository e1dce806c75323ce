using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Hub;

/// <summary>
/// The hub's HTTP endpoints: model info (<c>/api/models/{repo}/revision/{rev}</c>), file headers and
/// contents (<c>/{repo}/resolve/{rev}/{file}</c>). Turns the hub's answers into <see cref="Errors.LreException"/>s
/// with stable ids. Redirects are followed by hand: the token goes to the hub's own host only, never to
/// the CDN an LFS file redirects to, and the headers of that redirect are the ones that describe the file.
/// </summary>
internal sealed partial class HubApi : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _http;
    private readonly HubSettings _settings;

    public HubApi(HubSettings settings, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,   // sizes and hashes are of the raw bytes
            ConnectTimeout = settings.DownloadTimeout,
        };
        // each request carries its own time limit (a 6 GB download must not hit a global one)
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("LrePowerShell", typeof(HubApi).Assembly.GetName().Version?.ToString(3)));
    }

    public Uri Endpoint => _settings.Endpoint;

    /// <summary>How long a download may wait for data before the connection counts as dead.</summary>
    public TimeSpan DownloadTimeout => _settings.DownloadTimeout;

    public async Task<ModelInfo> GetModelInfoAsync(string repo, string revision, CancellationToken ct)
    {
        var url = new Uri($"{Base}/api/models/{repo}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendMetadataAsync(HttpMethod.Get, url, ct);
        if (!response.IsSuccessStatusCode) throw StatusError(response, repo, revision, file: null);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(_settings.MetadataTimeout);
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            using var doc = await JsonDocument.ParseAsync(body, cancellationToken: cts.Token);
            string sha = doc.RootElement.GetProperty("sha").GetString() ?? "";
            if (!RepoId.IsCommit(sha)) throw new JsonException($"'sha' is '{sha}', not a commit hash");
            var files = doc.RootElement.GetProperty("siblings").EnumerateArray()
                .Select(s => s.GetProperty("rfilename").GetString() ?? "").ToList();
            return new ModelInfo(sha, files);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw HubErrors.DownloadFailed($"the model info of '{repo}'", $"{url} did not answer like the Hugging Face hub ({ex.Message}).", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw HubErrors.Unreachable(Endpoint, $"the model info did not arrive within {_settings.MetadataTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw HubErrors.Unreachable(Endpoint, ex.Message, ex);
        }
    }

    /// <summary>A HEAD on the resolve URL, as huggingface_hub's <c>get_hf_file_metadata</c>.</summary>
    public async Task<FileMetadata> GetFileMetadataAsync(string repo, string commit, string file, CancellationToken ct)
    {
        var url = new Uri($"{Base}/{repo}/resolve/{commit}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");
        using var response = await SendMetadataAsync(HttpMethod.Head, url, ct);
        int status = (int)response.StatusCode;
        if (status is < 200 or >= 400) throw StatusError(response, repo, commit, file);

        // an LFS file answers with a redirect to its CDN location; its X-Linked-* headers describe the content
        string? linkedEtag = Header(response, "X-Linked-Etag");
        string? etag = NormalizeEtag(linkedEtag ?? Header(response, "ETag"));
        if (etag == null || !SafeEtag().IsMatch(etag))
            throw HubErrors.DownloadFailed($"'{file}' of '{repo}'", $"{url} sent no usable ETag, so the file cannot be cached.");
        long? size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : response.Content.Headers.ContentLength;
        var location = status >= 300 && response.Headers.Location is { } loc ? new Uri(response.RequestMessage!.RequestUri!, loc) : response.RequestMessage!.RequestUri!;
        return new FileMetadata(etag, size, location, linkedEtag != null);
    }

    /// <summary>GET of a file's bytes from <paramref name="offset"/> on, following every redirect (the CDN
    /// may redirect again). Time-limited until the headers arrive; the caller reads the body.</summary>
    public async Task<HttpResponseMessage> GetContentAsync(Uri url, long offset, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = NewRequest(HttpMethod.Get, url);
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _settings.DownloadTimeout, ct);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is not { } next) return response;
            response.Dispose();
            if (hop == MaxRedirects) throw new HttpRequestException($"more than {MaxRedirects} redirects from {url.GetLeftPart(UriPartial.Path)}");
            url = new Uri(url, next);
        }
    }

    /// <summary>The errors every hub answer maps to: the hub's <c>X-Error-Code</c> first, then the status.
    /// <paramref name="file"/> is null for the model info, where a bare 404 means the repository.</summary>
    public LreException StatusError(HttpResponseMessage response, string repo, string revision, string? file)
    {
        int status = (int)response.StatusCode;
        return Header(response, "X-Error-Code") switch
        {
            "RepoNotFound" => HubErrors.RepoNotFound(repo, Endpoint),
            "RevisionNotFound" => HubErrors.RevisionNotFound(repo, revision),
            "GatedRepo" => HubErrors.AuthRequired(repo, _settings.Token != null),
            _ when status is 401 or 403 => HubErrors.AuthRequired(repo, _settings.Token != null),
            _ when status == 404 && file == null => HubErrors.RepoNotFound(repo, Endpoint),
            _ => HubErrors.DownloadFailed(file == null ? $"the model info of '{repo}'" : $"'{file}' of '{repo}'", $"the hub answered {status} {response.ReasonPhrase} for {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)}."),
        };
    }

    private string Base => Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>A metadata request, following relative redirects only (a renamed repository) and stopping at
    /// an absolute one (an LFS file's CDN), as huggingface_hub does; connection failures become HubUnreachable.</summary>
    private async Task<HttpResponseMessage> SendMetadataAsync(HttpMethod method, Uri url, CancellationToken ct)
    {
        try
        {
            for (int hop = 0; ; hop++)
            {
                using var request = NewRequest(method, url);
                var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _settings.MetadataTimeout, ct);
                if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is not { IsAbsoluteUri: false } next || hop == MaxRedirects)
                    return response;
                response.Dispose();
                url = new Uri(url, next);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
        {
            throw HubErrors.Unreachable(Endpoint, ex.Message, ex);
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        if (_settings.Token != null && IsHub(url)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.Token);
        return request;
    }

    private bool IsHub(Uri url) => Uri.Compare(url, Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await _http.SendAsync(request, completion, cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.RequestUri?.GetLeftPart(UriPartial.Path)} did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    /// <summary>huggingface_hub's <c>_normalize_etag</c>: no weak-validator prefix, no quotes.</summary>
    private static string? NormalizeEtag(string? etag) =>
        etag == null ? null : (etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag).Trim('"');

    /// <summary>An ETag becomes a file name in the cache: only characters that cannot leave the blobs folder.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex SafeEtag();

    public void Dispose() => _http.Dispose();
}
