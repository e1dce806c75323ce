namespace LrePowerShell.Engine.Lre;

/// <summary>One (subject, object) pair of a relation.</summary>
public sealed record RelationSample(string Subject, string Object);

/// <summary>A relation: its prompt templates (the first is the one used) and its samples.
/// <see cref="Warnings"/> holds what was repaired on reading (duplicate subjects dropped).</summary>
public sealed record Relation(string Name, IReadOnlyList<string> Templates, IReadOnlyList<RelationSample> Samples, string? SourcePath = null)
{
    public string Template => Templates.Count > 0 ? Templates[0] : "";
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
