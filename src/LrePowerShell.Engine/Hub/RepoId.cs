using System.Text.RegularExpressions;

namespace LrePowerShell.Engine.Hub;

/// <summary>
/// Hub repository ids and revisions as <c>huggingface_hub</c> validates them, and the names they
/// take in the cache. Validation also keeps both out of paths they could escape: a repo id becomes a
/// folder name and a revision a file under <c>refs/</c>.
/// </summary>
public static partial class RepoId
{
    /// <summary><c>huggingface_hub</c>'s <c>REPO_ID_REGEX</c>: an optional namespace and a name, each
    /// starting and ending with a letter, digit or '_'.</summary>
    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?/)?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    public static bool IsValid(string id) =>
        id.Length <= 96 && Pattern().IsMatch(id) && !id.Contains("--") && !id.Contains("..") &&
        !id.EndsWith(".git", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="revision"/> is a full commit hash (a snapshot folder name).</summary>
    public static bool IsCommit(string revision) => CommitPattern().IsMatch(revision);

    /// <summary>A branch, tag or commit (slashes allowed, as in <c>refs/pr/1</c>) that cannot leave the <c>refs/</c> folder.</summary>
    public static bool IsValidRevision(string revision) =>
        revision.Length is > 0 and <= 256 && !revision.StartsWith('/') && !revision.EndsWith('/') &&
        revision.Split('/').All(part => part.Length > 0 && part is not "." and not "..") &&
        !revision.Any(c => c == '\\' || char.IsControl(c));

    /// <summary>The repository's folder in the cache: <c>models--org--name</c>.</summary>
    public static string FolderName(string id) => "models--" + id.Replace("/", "--", StringComparison.Ordinal);
}
