namespace LrePowerShell.Engine.Hub;

/// <summary>How far one file's download is. Reported when it starts, a few times a second while
/// bytes arrive, and once with <see cref="Completed"/> when it is verified and in the cache.</summary>
/// <param name="RepoId">The repository.</param>
/// <param name="FileName">The file within it (e.g. <c>model.safetensors</c>).</param>
/// <param name="BytesDone">Bytes on disk so far, a resumed part included.</param>
/// <param name="TotalBytes">The file's size, when the hub told it.</param>
/// <param name="BytesPerSecond">Average rate of the current transfer.</param>
/// <param name="Completed">The file is done.</param>
public sealed record HubDownloadProgress(string RepoId, string FileName, long BytesDone, long? TotalBytes, double BytesPerSecond, bool Completed);
