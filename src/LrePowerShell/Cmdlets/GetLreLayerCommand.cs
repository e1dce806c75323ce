using System.Management.Automation;

namespace LrePowerShell.Cmdlets;

/// <summary>Lists a model's modules with HF names: embedding, blocks, final norm, head.</summary>
[Cmdlet(VerbsCommon.Get, "LreLayer")]
[OutputType(typeof(LreLayer))]
public sealed class GetLreLayerCommand : LreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public LreModel Model { get; set; } = null!;

    /// <summary>Module names to keep; wildcards allowed (<c>*.h.1*</c>).</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        Run(Model, () =>
        {
            Model.Engine.ThrowIfDisposed();
            foreach (var l in Model.Engine.Layers)
            {
                if (patterns is not null && !patterns.Any(p => p.IsMatch(l.Name))) continue;
                WriteObject(new LreLayer { Model = Model.Name, Index = l.Index, Name = l.Name, Kind = l.Kind, ParameterCount = l.ParameterCount, Attention = l.Attention });
            }
        });
    }
}
