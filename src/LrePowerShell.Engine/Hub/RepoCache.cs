namespace LrePowerShell.Engine.Hub;

/// <summary>
/// One repository's folder in the hub cache, laid out exactly as Python's <c>huggingface_hub</c> writes it,
/// so that either side uses what the other downloaded:
/// <code>
/// {cache}/models--org--name/blobs/{etag}                 file contents, named by the hub's ETag (sha256 for LFS files)
/// {cache}/models--org--name/snapshots/{commit}/{file}    relative symlinks to ../../blobs/{etag}
/// {cache}/models--org--name/refs/{branch or tag}         the commit it pointed to when last fetched
/// {cache}/.locks/models--org--name/{etag}.lock           held while a blob is being written
/// </code>
/// </summary>
internal sealed class RepoCache
{
    public RepoCache(string cacheRoot, string repoId)
    {
        Root = cacheRoot;
        Repo = repoId;
        Folder = Path.Combine(cacheRoot, RepoId.FolderName(repoId));
    }

    public string Root { get; }
    public string Repo { get; }
    public string Folder { get; }

    public string BlobPath(string etag) => Path.Combine(Folder, "blobs", etag);

    public string LockPath(string etag) => Path.Combine(Root, ".locks", RepoId.FolderName(Repo), etag + ".lock");

    public string SnapshotFolder(string commit) => Path.Combine(Folder, "snapshots", commit);

    private string RefPath(string revision) => Path.Combine(Folder, "refs", revision);

    /// <summary>The commit a revision names: itself when it is a commit hash, else what <c>refs/</c> recorded.</summary>
    public string? CommitFor(string revision)
    {
        if (RepoId.IsCommit(revision)) return revision;
        string path = RefPath(revision);
        // a ref being rewritten by another process may read empty for a moment: treat it as absent
        return File.Exists(path) && File.ReadAllText(path).Trim() is var commit && RepoId.IsCommit(commit) ? commit : null;
    }

    /// <summary>The snapshot folder of a revision, if the cache has one.</summary>
    public string? FindSnapshot(string revision) =>
        CommitFor(revision) is { } commit && Directory.Exists(SnapshotFolder(commit)) ? SnapshotFolder(commit) : null;

    /// <summary>Records that <paramref name="revision"/> (a branch or tag) points at <paramref name="commit"/>.</summary>
    public void WriteRef(string revision, string commit)
    {
        string path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, commit);   // no newline: huggingface_hub writes the bare hash
    }

    /// <summary>Puts <paramref name="file"/> into the commit's snapshot as a relative symlink to its blob,
    /// as huggingface_hub does (a relative link keeps working when the cache folder moves).</summary>
    public void Link(string commit, string file, string etag)
    {
        string pointer = Path.Combine(SnapshotFolder(commit), file);
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        string target = Path.GetRelativePath(Path.GetDirectoryName(pointer)!, BlobPath(etag));
        if (File.Exists(pointer)) return;                       // another process linked it meanwhile
        if (new FileInfo(pointer).LinkTarget != null) File.Delete(pointer);   // a dangling link: its blob is gone
        try
        {
            File.CreateSymbolicLink(pointer, target);
        }
        catch (IOException) when (File.Exists(pointer))
        {
            // lost a race with another process creating the same link to the same blob
        }
    }
}
