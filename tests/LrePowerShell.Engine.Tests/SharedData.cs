using Xunit;

namespace LrePowerShell.Engine.Tests;

/// <summary>Locates ../shared (fixtures, stories260k) beside the repository. Tests that need it use
/// <see cref="SharedFactAttribute"/> / <see cref="SharedTheoryAttribute"/> and skip visibly without it.</summary>
public static class SharedData
{
    public static readonly string? Root = Find();

    public const string SkipReason = "../shared is absent (set LRE_SHARED or place shared/ beside the repository)";

    public static string Fixture(string name) => Path.Combine(Root!, "fixtures", name);
    public static string Golden(string name) => Path.Combine(Root!, "fixtures", "golden", name + ".json");
    public static string Stories260k => Path.Combine(Root!, "models", "stories260k");

    /// <summary>A writable copy of a fixture in a new folder under <paramref name="parent"/> (shared/ is read-only).</summary>
    public static string CopyFixture(string name, string parent, string? folderName = null)
    {
        string dest = Path.Combine(parent, folderName ?? Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dest);
        foreach (var f in Directory.GetFiles(Fixture(name)))
        {
            string target = Path.Combine(dest, Path.GetFileName(f));
            File.Copy(f, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        return dest;
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("LRE_SHARED");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        // walk up from the test binary to the repository root, then look beside it
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LrePowerShell.sln")))
            {
                var shared = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                return Directory.Exists(Path.Combine(shared, "fixtures")) ? shared : null;
            }
        }
        return null;
    }
}

public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute() { if (SharedData.Root == null) Skip = SharedData.SkipReason; }
}

public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute() { if (SharedData.Root == null) Skip = SharedData.SkipReason; }
}
