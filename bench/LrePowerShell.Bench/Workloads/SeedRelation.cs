using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Bench.Workloads;

/// <summary>The seed's 38 field → gender pairs (data/data_sample.json) with the seed's template.</summary>
public static class SeedRelation
{
    /// <summary>The seed notebook's template (Import-LreRelation gives it to the flat list too).</summary>
    public const string Template = "{} students are typically";

    public static Relation Load()
    {
        string repo = SharedFolder.RepositoryRoot() ?? throw new InvalidOperationException("run the bench from the repository (it reads data/data_sample.json)");
        return RelationReader.Load(Path.Combine(repo, "data", "data_sample.json"), Template);
    }
}
