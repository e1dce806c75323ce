using System.Management.Automation;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Cmdlets;

/// <summary>Saves operators as safetensors (weight, bias, metadata). A folder as -Path takes one file per operator.</summary>
[Cmdlet(VerbsData.Export, "LreOperator", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportLreOperatorCommand : LreCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LreOperator Operator { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
            target = System.IO.Path.Combine(target, $"{Sanitize(Operator.Relation)}_layer{Operator.Layer}_{Operator.Method.ToLowerInvariant()}.safetensors");
        Run(target, () =>
        {
            if (File.Exists(target) && !Force)
                throw new LreException("OperatorFileExists", LreErrorKind.InvalidArgument, $"'{target}' exists; use -Force to overwrite it.");
            if (!ShouldProcess(target, $"Export operator {Operator}")) return;
            OperatorFile.Write(Operator.Engine, target);
            WriteFile(target);
        });
    }

    private static string Sanitize(string name) =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
}
