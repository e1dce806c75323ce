using System.Management.Automation;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Cmdlets;

/// <summary>Loads operators saved by Export-LreOperator and attaches them to the model they were made on.</summary>
[Cmdlet(VerbsData.Import, "LreOperator")]
[OutputType(typeof(LreOperator))]
public sealed class ImportLreOperatorCommand : LreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The model the operators were estimated on (checked).</summary>
    [Parameter(Mandatory = true)]
    public LreModel Model { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            Run(full, () =>
            {
                var op = OperatorFile.Read(full);
                LreEvaluation.CheckModel(Model.Engine, op);
                WriteObject(new LreOperator(Model, op));
            });
        }
    }
}
