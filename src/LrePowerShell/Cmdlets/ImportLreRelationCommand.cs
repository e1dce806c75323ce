using System.Management.Automation;
using LrePowerShell.Completion;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Cmdlets;

/// <summary>Reads relation files: the paper's format, the seed's flat [{subject, object}] list, or a
/// bundle with a 'relations' list (one object per relation).</summary>
[Cmdlet(VerbsData.Import, "LreRelation")]
[OutputType(typeof(LreRelation))]
public sealed class ImportLreRelationCommand : LreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ArgumentCompleter(typeof(RelationFileCompleter))]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The template to use (a flat list has none; for the paper's format it replaces the first).</summary>
    [Parameter]
    public string? Template { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            Run(p, () =>
            {
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
                foreach (var relation in RelationReader.LoadAll(full, Template))
                    WriteObject(new LreRelation(RelationLoading.Report(this, relation)));
            });
        }
    }
}

/// <summary>Reading a relation for a cmdlet: resolves the PowerShell path, applies the template
/// rules, and reports repaired input (duplicate subjects) as warnings.</summary>
internal static class RelationLoading
{
    /// <summary>The seed experiment's template, used for flat lists given without one
    /// (data/data_sample.json is the seed's own data).</summary>
    public const string SeedTemplate = "{} students are typically";

    public static Relation Load(PSCmdlet cmdlet, string path, string? template)
    {
        string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        var relation = RelationReader.Load(full, template);
        return Report(cmdlet, relation);
    }

    public static Relation Report(PSCmdlet cmdlet, Relation relation)
    {
        foreach (var w in relation.Warnings) cmdlet.WriteWarning($"{relation.Name}: {w}");
        if (relation.Templates.Count > 0) return relation;
        cmdlet.WriteVerbose($"{relation.Name} is a flat list with no template: using the seed's '{SeedTemplate}' (give -Template to change it).");
        return relation with { Templates = new[] { SeedTemplate } };
    }

    public static Relation WithTemplate(PSCmdlet cmdlet, Relation relation, string? template)
    {
        if (template is null) return Report(cmdlet, relation);
        PromptTemplate.Check(template);
        return relation with { Templates = new[] { template }.Concat(relation.Templates.Where(t => t != template)).ToArray() };
    }
}
