using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// The model the project owns: a toy GPT-2 trained on data/'s relations (data/models/lre-tiny),
/// published inside the module so that Import-LreModel with no name works offline on a fresh clone.
/// </summary>
internal static class EmbeddedModel
{
    public const string Alias = "lre-tiny";

    public static string Folder()
    {
        string folder = Path.Combine(Path.GetDirectoryName(typeof(EmbeddedModel).Assembly.Location)!, "models", Alias);
        return Directory.Exists(folder) ? folder
            : throw new LreException("EmbeddedModelMissing", LreErrorKind.NotFound,
                $"The embedded model is not in '{folder}': publish the module with build.ps1, which copies data/models into it.");
    }
}
