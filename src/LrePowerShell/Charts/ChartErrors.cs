using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Charts;

/// <summary>The stable error ids of Export-LreChart.</summary>
internal static class ChartErrors
{
    public static LreException InputInvalid(string message) => new("ChartInputInvalid", LreErrorKind.InvalidArgument, message);

    public static LreException FormatUnsupported(string path) => new("ChartFormatUnsupported", LreErrorKind.InvalidArgument,
        $"'{path}' names neither a .png nor an .svg file: the extension chooses the image format.");

    public static LreException FileExists(string path) => new("ChartFileExists", LreErrorKind.InvalidArgument,
        $"'{path}' exists; use -Force to overwrite it.");

    public static LreException FolderNotFound(string folder) => new("ChartFolderNotFound", LreErrorKind.NotFound,
        $"The folder '{folder}' does not exist.");
}
