namespace LrePowerShell.Engine.Hub;

/// <summary>A repository at one commit: the commit hash and the files in it.</summary>
internal sealed record ModelInfo(string Sha, IReadOnlyList<string> Siblings);

/// <summary>
/// What the hub's file headers say about one file (huggingface_hub's <c>HfFileMetadata</c>): its ETag
/// (the blob's name in the cache; for LFS files the sha256 of the content), its size, and where the bytes
/// are (the CDN location an LFS file redirects to, or the resolve URL itself).
/// </summary>
internal sealed record FileMetadata(string Etag, long? Size, Uri DownloadUrl, bool IsLfs);
