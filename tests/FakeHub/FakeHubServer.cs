#nullable enable
// A stand-in for the Hugging Face hub on 127.0.0.1, for the hub client's tests. One file with explicit
// usings, compiled into the xunit project and by Pester with Add-Type, so that both suites drive the
// same server in-process (and can count its requests and inject faults).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace LrePowerShell.Tests.FakeHub;

/// <summary>One request as the server saw it. <see cref="Authorized"/> says whether it carried the
/// server's token; the token itself is not recorded.</summary>
public sealed record FakeHubRequest(string Method, string Path, string? Range, bool Authorized);

/// <summary>
/// A minimal HTTP/1.1 server (one request per connection) that answers like the hub:
/// <c>GET /api/models/{repo}/revision/{rev}</c> with <c>sha</c> and <c>siblings</c>;
/// <c>HEAD|GET /{repo}/resolve/{rev}/{file}</c> with <c>X-Repo-Commit</c> and an <c>ETag</c> (git blob sha1)
/// for small files, and for LFS files (*.safetensors, *.bin, *.model) a 302 to <c>/lfs/{sha256}</c> with
/// <c>X-Linked-Etag</c> = sha256 and <c>X-Linked-Size</c>; Range requests; the hub's <c>X-Error-Code</c>s
/// (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo with 401 without a token, 403 with a wrong one).
/// </summary>
public sealed class FakeHubServer : IDisposable
{
    private static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(5);
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, FakeHubRepo> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _renamed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly List<FakeHubRequest> _requests = new();

    public FakeHubServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>The base URL to put in HF_ENDPOINT.</summary>
    public string Endpoint { get; }

    /// <summary>The token gated repositories accept (as <c>Authorization: Bearer …</c>).</summary>
    public string? Token { get; set; }

    public FakeHubRequest[] Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    public FakeHubRepo AddRepo(string id, bool gated = false) => _repos[id] = new FakeHubRepo(id, gated);

    /// <summary>Requests for <paramref name="oldId"/> get a relative redirect to <paramref name="newId"/>, as for a renamed repository.</summary>
    public void Rename(string oldId, string newId) => _renamed[oldId] = newId;

    /// <summary>Stops listening and drops every open connection: the server is gone.</summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        foreach (var socket in _open.Keys) socket.Dispose();
    }

    public void Dispose() => Stop();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _open[socket] = 0;
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(RequestReadTimeout);
            var request = await ReadRequestAsync(stream, timeout.Token);
            if (request == null) return;
            await RespondAsync(stream, request);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away or the server stopped: nothing to answer
        }
        finally
        {
            _open.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private sealed record Request(string Method, string RawPath, Dictionary<string, string> Headers);

    private static async Task<Request?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        int length = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (n == 0) return null;
            length += n;
            string text = Encoding.ASCII.GetString(buffer, 0, length);
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                if (length == buffer.Length) return null;
                continue;
            }
            var lines = text[..end].Split("\r\n");
            var first = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            string target = first.Length > 1 ? first[1] : "/";
            int query = target.IndexOf('?');
            return new Request(first[0], query < 0 ? target : target[..query], headers);
        }
    }

    private async Task RespondAsync(NetworkStream stream, Request request)
    {
        request.Headers.TryGetValue("Authorization", out var auth);
        bool authorized = Token != null && auth == "Bearer " + Token;
        request.Headers.TryGetValue("Range", out var range);
        lock (_requests) _requests.Add(new FakeHubRequest(request.Method, Uri.UnescapeDataString(request.RawPath), range, authorized));

        string path = request.RawPath;
        if (path.StartsWith("/api/models/", StringComparison.Ordinal))
            await ModelInfoAsync(stream, path["/api/models/".Length..]);
        else if (path.StartsWith("/lfs/", StringComparison.Ordinal))
            await LfsAsync(stream, request, path["/lfs/".Length..]);
        else
            await ResolveAsync(stream, request, path[1..], auth, authorized);
    }

    private async Task ModelInfoAsync(NetworkStream stream, string rest)
    {
        int at = rest.IndexOf("/revision/", StringComparison.Ordinal);
        string id = at < 0 ? rest : rest[..at];
        string revision = at < 0 ? "main" : Uri.UnescapeDataString(rest[(at + "/revision/".Length)..]);
        if (_renamed.TryGetValue(id, out var newId))
        {
            await RedirectAsync(stream, 307, $"/api/models/{newId}{(at < 0 ? "" : rest[at..])}", new());
            return;
        }
        if (!_repos.TryGetValue(id, out var repo))
        {
            await ErrorAsync(stream, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (repo.Resolve(revision) is not { } commit)
        {
            await ErrorAsync(stream, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        // like the real hub, a gated repository's model info is public: the files are not
        var json = JsonSerializer.Serialize(new
        {
            id,
            modelId = id,
            sha = commit,
            @private = false,
            gated = repo.Gated ? "manual" : (object)false,
            siblings = repo.Files(commit).Keys.Select(f => new { rfilename = f }).ToArray(),
        });
        await WriteAsync(stream, 200, new() { ["Content-Type"] = "application/json" }, Encoding.UTF8.GetBytes(json), 0, null, null);
    }

    private async Task ResolveAsync(NetworkStream stream, Request request, string rest, string? auth, bool authorized)
    {
        int at = rest.IndexOf("/resolve/", StringComparison.Ordinal);
        if (at < 0)
        {
            await ErrorAsync(stream, 404, null, "Not found");
            return;
        }
        string id = rest[..at];
        string tail = rest[(at + "/resolve/".Length)..];
        int slash = tail.IndexOf('/');
        string revision = Uri.UnescapeDataString(slash < 0 ? tail : tail[..slash]);
        string file = slash < 0 ? "" : Uri.UnescapeDataString(tail[(slash + 1)..]);
        if (_renamed.TryGetValue(id, out var newId))
        {
            await RedirectAsync(stream, 307, $"/{newId}/resolve/{tail}", new());
            return;
        }
        if (!_repos.TryGetValue(id, out var repo))
        {
            await ErrorAsync(stream, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (repo.Gated && !authorized)
        {
            await ErrorAsync(stream, auth == null ? 401 : 403, "GatedRepo", "Access to this model is restricted.");
            return;
        }
        if (repo.Resolve(revision) is not { } commit)
        {
            await ErrorAsync(stream, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        if (!repo.Files(commit).TryGetValue(file, out var content))
        {
            await ErrorAsync(stream, 404, "EntryNotFound", $"{file} does not exist");
            return;
        }
        var headers = new Dictionary<string, string> { ["X-Repo-Commit"] = commit };
        if (FakeHubRepo.IsLfs(file))
        {
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
            headers["X-Linked-Etag"] = $"\"{sha256}\"";
            headers["X-Linked-Size"] = content.Length.ToString();
            headers["ETag"] = $"\"{GitBlobSha1(Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {content.Length}\n"))}\"";
            await RedirectAsync(stream, 302, $"{Endpoint}/lfs/{sha256}", headers);
            return;
        }
        headers["ETag"] = $"\"{GitBlobSha1(content)}\"";
        await ServeBodyAsync(stream, request, repo, file, content, headers);
    }

    private async Task LfsAsync(NetworkStream stream, Request request, string sha256)
    {
        foreach (var repo in _repos.Values)
        {
            if (repo.FindLfs(sha256) is { } found)
            {
                await ServeBodyAsync(stream, request, repo, found.File, found.Content, new() { ["ETag"] = $"\"{sha256}\"" });
                return;
            }
        }
        await ErrorAsync(stream, 404, null, "No such object");
    }

    /// <summary>Serves a file's bytes, honouring <c>Range: bytes=N-</c> and the file's injected fault.</summary>
    private async Task ServeBodyAsync(NetworkStream stream, Request request, FakeHubRepo repo, string file, byte[] content, Dictionary<string, string> headers)
    {
        long start = 0;
        int status = 200;
        headers["Accept-Ranges"] = "bytes";
        if (request.Headers.TryGetValue("Range", out var range) && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') &&
            long.TryParse(range["bytes=".Length..^1], out start))
        {
            if (start >= content.Length)
            {
                headers["Content-Range"] = $"bytes */{content.Length}";
                await WriteAsync(stream, 416, headers, Array.Empty<byte>(), 0, null, null);
                return;
            }
            status = 206;
            headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }
        bool head = request.Method == "HEAD";
        var fault = head ? null : repo.TakeFault(file);
        byte[] body = repo.IsCorrupt(file) ? Corrupted(content) : content;
        await WriteAsync(stream, status, headers, body, start, fault, head ? 0 : null);
    }

    private static byte[] Corrupted(byte[] content)
    {
        var copy = (byte[])content.Clone();
        copy[copy.Length / 2] ^= 0xFF;
        return copy;
    }

    private Task RedirectAsync(NetworkStream stream, int status, string location, Dictionary<string, string> headers)
    {
        headers["Location"] = location;
        return WriteAsync(stream, status, headers, Array.Empty<byte>(), 0, null, null);
    }

    private Task ErrorAsync(NetworkStream stream, int status, string? code, string message)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        if (code != null) headers["X-Error-Code"] = code;
        return WriteAsync(stream, status, headers, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { error = message })), 0, null, null);
    }

    /// <summary>Writes the status line, headers and <paramref name="body"/> from <paramref name="start"/>
    /// (only the headers when <paramref name="sendBytes"/> is 0, as for HEAD), then acts out a fault.</summary>
    private async Task WriteAsync(NetworkStream stream, int status, Dictionary<string, string> headers, byte[] body, long start,
        FakeHubFault? fault, long? sendBytes)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(body.Length - start).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);

        long end = sendBytes == 0 ? start : fault != null ? Math.Clamp(fault.AfterBytes, start, body.Length) : body.Length;
        if (end > start) await stream.WriteAsync(body.AsMemory((int)start, (int)(end - start)), _stop.Token);
        await stream.FlushAsync(_stop.Token);
        switch (fault?.Kind)
        {
            case FakeHubFaultKind.Stall:
                await Task.Delay(Timeout.Infinite, _stop.Token);
                break;
            case FakeHubFaultKind.GoAway:
                Stop();
                break;
        }
        // FakeHubFaultKind.Cut and a normal answer both end by closing the connection
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 206 => "Partial Content", 302 => "Found", 307 => "Temporary Redirect", 401 => "Unauthorized",
        403 => "Forbidden", 404 => "Not Found", 416 => "Range Not Satisfiable", _ => "Status",
    };

    /// <summary>The git object id of a blob: what the hub sends as the ETag of a file not in LFS.</summary>
    public static string GitBlobSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes($"blob {content.Length}\0").Concat(content).ToArray()));
}

public enum FakeHubFaultKind { Cut, Stall, GoAway }

/// <summary>What goes wrong on the next GET of a file: after <see cref="AfterBytes"/> bytes of the file the
/// connection is cut, stalls until the server stops, or the whole server goes away.</summary>
public sealed record FakeHubFault(FakeHubFaultKind Kind, long AfterBytes);

/// <summary>A repository: commits (file name → content), refs (branch or tag → commit), faults to inject.</summary>
public sealed class FakeHubRepo
{
    private readonly Dictionary<string, Dictionary<string, byte[]>> _commits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeHubFault> _faults = new(StringComparer.Ordinal);
    private readonly HashSet<string> _corrupt = new(StringComparer.Ordinal);

    internal FakeHubRepo(string id, bool gated)
    {
        Id = id;
        Gated = gated;
    }

    public string Id { get; }
    public bool Gated { get; }

    /// <summary>Adds a commit holding <paramref name="files"/>, points <paramref name="refs"/> at it, returns its hash.</summary>
    public string AddCommit(IDictionary<string, byte[]> files, params string[] refs)
    {
        var id = new StringBuilder(Id).Append('\n').Append(_commits.Count);
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            id.Append('\n').Append(name).Append(' ').Append(FakeHubServer.GitBlobSha1(content));
        string commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(id.ToString())));
        lock (_commits) _commits[commit] = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
        lock (_refs) foreach (var r in refs) _refs[r] = commit;
        return commit;
    }

    /// <summary>A commit holding every file of <paramref name="folder"/> (e.g. a shared fixture).</summary>
    public string AddFolder(string folder, params string[] refs) =>
        AddCommit(Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes), refs);

    public void CutOnce(string file, long afterBytes) => SetFault(file, new FakeHubFault(FakeHubFaultKind.Cut, afterBytes));
    public void StallOnce(string file, long afterBytes) => SetFault(file, new FakeHubFault(FakeHubFaultKind.Stall, afterBytes));
    public void GoAwayAfter(string file, long afterBytes) => SetFault(file, new FakeHubFault(FakeHubFaultKind.GoAway, afterBytes));

    /// <summary>Every GET of <paramref name="file"/> from now on serves its bytes with one byte flipped.</summary>
    public void Corrupt(string file)
    {
        lock (_corrupt) _corrupt.Add(file);
    }

    internal static bool IsLfs(string file) =>
        file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal) ||
        file.EndsWith(".model", StringComparison.Ordinal);

    internal string? Resolve(string revision)
    {
        lock (_refs) if (_refs.TryGetValue(revision, out var commit)) return commit;
        lock (_commits) return _commits.ContainsKey(revision) ? revision : null;
    }

    internal Dictionary<string, byte[]> Files(string commit)
    {
        lock (_commits) return _commits[commit];
    }

    internal (string File, byte[] Content)? FindLfs(string sha256)
    {
        lock (_commits)
        {
            foreach (var files in _commits.Values)
                foreach (var (name, content) in files)
                    if (IsLfs(name) && Convert.ToHexStringLower(SHA256.HashData(content)) == sha256) return (name, content);
        }
        return null;
    }

    internal FakeHubFault? TakeFault(string file)
    {
        lock (_faults) return _faults.Remove(file, out var fault) ? fault : null;
    }

    internal bool IsCorrupt(string file)
    {
        lock (_corrupt) return _corrupt.Contains(file);
    }

    private void SetFault(string file, FakeHubFault fault)
    {
        lock (_faults) _faults[file] = fault;
    }
}
