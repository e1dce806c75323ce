using System.Management.Automation;
using LrePowerShell.Completion;
using LrePowerShell.Engine;
using LrePowerShell.Engine.Hub;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// Loads a causal LM: the embedded demonstration model (no name, or its alias), by alias or Hugging
/// Face hub id (downloaded once into the hub's shared cache, used offline afterwards), or from a
/// local Hugging Face-format folder.
/// </summary>
[Cmdlet(VerbsData.Import, "LreModel", DefaultParameterSetName = NameSet)]
[OutputType(typeof(LreModel))]
public sealed class ImportLreModelCommand : LreCmdlet
{
    private const string NameSet = "Name";
    private const string PathSet = "Path";

    /// <summary>An alias (gpt2-xl, llama-3.2-1b, …), a hub id (org/name), or an existing local folder.</summary>
    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string? Name { get; set; }

    /// <summary>A folder with config.json, safetensors weights and tokenizer files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A branch, tag or commit hash of the hub repository.</summary>
    [Parameter(ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    public string Revision { get; set; } = "main";

    /// <summary>Use only the hub cache, never the network (as HF_HUB_OFFLINE=1).</summary>
    [Parameter(ParameterSetName = NameSet)]
    public SwitchParameter Offline { get; set; }

    /// <summary>Ask the hub for the revision's current commit even when the cache has the model.</summary>
    [Parameter(ParameterSetName = NameSet)]
    public SwitchParameter Refresh { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Device { get; set; } = "cpu";

    [Parameter]
    [ValidateSet("float32", "float16", "bfloat16", "auto", IgnoreCase = true)]
    public string DType { get; set; } = "float32";

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PathSet)
        {
            LoadFolder(Path, SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
            return;
        }
        if (Name == null || string.Equals(Name, EmbeddedModel.Alias, StringComparison.OrdinalIgnoreCase))
        {
            Run(EmbeddedModel.Alias, () => WriteObject(new LreModel(EmbeddedModel.Alias, LanguageModel.Load(EmbeddedModel.Folder(), new LoadOptions(DType, Device)))));
            return;
        }
        if (LocalFolder(Name) is { } folder)
        {
            LoadFolder(Name, folder);
            return;
        }
        Run(Name, () => WriteObject(Load(Name, Download(ModelAliases.RepoIdFor(Name)))));
    }

    /// <summary>The folder <paramref name="name"/> names, if one exists (a local folder wins over a hub id, as in transformers).</summary>
    private string? LocalFolder(string name)
    {
        try
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(name);
            return Directory.Exists(path) ? path : null;
        }
        catch (Exception ex) when (ex is SessionStateException or NotSupportedException or ArgumentException)
        {
            return null;   // not a file-system path at all: a hub id
        }
    }

    private void LoadFolder(string target, string folder) =>
        Run(target, () => WriteObject(Load(System.IO.Path.GetFileName(folder.TrimEnd('/', '\\')), folder)));

    private LreModel Load(string name, string folder)
    {
        using var activity = StartActivity($"Loading {name}");
        activity.Report($"{folder} as {DType} on {Device}");
        var engine = Timed($"Loading '{name}' from {folder} as {DType} on {Device}", () => LanguageModel.Load(folder, new LoadOptions(DType, Device)));
        WriteVerbose($"'{name}' is a {engine.ModelType} model: {engine.Spec.LayerCount} blocks, hidden size {engine.Spec.HiddenSize}, {engine.ParameterCount / 1e6:0.00} M parameters.");
        return new LreModel(name, engine);
    }

    /// <summary>Gets the model into the hub cache, showing progress and saying what goes where with -Verbose.</summary>
    private string Download(string repoId)
    {
        var settings = HubSettings.FromEnvironment();
        if (Offline) settings = settings with { Offline = true };
        var progress = new DownloadProgressView(this);
        try
        {
            return PipelineThread.Run(async post =>
            {
                using var client = new HubClient(settings, p => post(() => progress.Show(p)), message => post(() => WriteVerbose(message)));
                return await client.GetModelAsync(repoId, Revision, Refresh, StopToken);
            });
        }
        finally
        {
            progress.CompleteAll();
        }
    }
}
