namespace LrePowerShell.Bench;

/// <summary>../shared (fixtures) as the tests find it: LRE_SHARED, else beside the repository.</summary>
public static class SharedFolder
{
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("LRE_SHARED");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        string? repo = RepositoryRoot();
        string? shared = repo is null ? null : Path.Combine(Path.GetDirectoryName(repo)!, "shared");
        return shared is not null && Directory.Exists(Path.Combine(shared, "fixtures")) ? shared : null;
    }

    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LrePowerShell.sln"))) return dir.FullName;
        return null;
    }
}
