using System.Management.Automation;
using LrePowerShell.Engine;

namespace LrePowerShell.Cmdlets;

/// <summary>Loads a causal LM from a local Hugging Face-format folder.</summary>
[Cmdlet(VerbsData.Import, "LreModel")]
[OutputType(typeof(LreModel))]
public sealed class ImportLreModelCommand : LreCmdlet
{
    /// <summary>A folder with config.json, safetensors weights and tokenizer files.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Device { get; set; } = "cpu";

    [Parameter]
    [ValidateSet("float32", "float16", "bfloat16", "auto", IgnoreCase = true)]
    public string DType { get; set; } = "float32";

    protected override void ProcessRecord()
    {
        string folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        Run(Path, () =>
        {
            var engine = LanguageModel.Load(folder, new LoadOptions(DType, Device));
            WriteObject(new LreModel(System.IO.Path.GetFileName(folder.TrimEnd('/', '\\')), engine));
        });
    }
}
