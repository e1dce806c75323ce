namespace LrePowerShell.Engine.Hub;

/// <summary>The models already in the hub cache (each <c>models--org--name</c> folder with a snapshot),
/// by hub id: what Import-LreModel can load without the network.</summary>
public static class CachedModels
{
    private const string Prefix = "models--";

    /// <summary>Hub ids of the cached models, sorted; none when the cache folder does not exist or cannot be read.</summary>
    public static IReadOnlyList<string> List(string cacheFolder)
    {
        try
        {
            if (!Directory.Exists(cacheFolder)) return Array.Empty<string>();
            return Directory.EnumerateDirectories(cacheFolder, Prefix + "*")
                .Where(HasSnapshot)
                .Select(folder => Path.GetFileName(folder)[Prefix.Length..].Replace("--", "/", StringComparison.Ordinal))
                .Where(RepoId.IsValid)   // folders another tool left under a name that is not a repo id
                .Order(StringComparer.OrdinalIgnoreCase)
                .ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();   // a listing for tab completion: an unreadable cache lists nothing
        }
    }

    private static bool HasSnapshot(string repoFolder)
    {
        string snapshots = Path.Combine(repoFolder, "snapshots");
        return Directory.Exists(snapshots) && Directory.EnumerateDirectories(snapshots).Any();
    }
}
