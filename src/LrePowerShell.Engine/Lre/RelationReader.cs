using System.Text.Json;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Loading;

namespace LrePowerShell.Engine.Lre;

/// <summary>
/// Reads relation files in the paper's format (<c>name</c>, <c>prompt_templates</c>, <c>samples</c>)
/// or the seed's flat <c>[{subject, object}]</c> list (which carries no template: the caller gives
/// one). Duplicate subjects are dropped with a warning (the first pair is kept), since a subject in
/// both the training and the test split would make faithfulness look better than it is.
/// </summary>
public static class RelationReader
{
    /// <summary>The one relation of a file; a file that bundles several is an error here.</summary>
    public static Relation Load(string path, string? templateOverride = null)
    {
        var all = LoadAll(path, templateOverride);
        return all.Count == 1 ? all[0]
            : throw new LreException("RelationAmbiguous", LreErrorKind.InvalidArgument,
                $"'{path}' holds {all.Count} relations ({string.Join(", ", all.Select(r => r.Name))}): pick one with Import-LreRelation | Where-Object Name -eq … and pass it as -Relation.");
    }

    /// <summary>Every relation of a file: one, or several where a <c>relations</c> list bundles them.</summary>
    public static IReadOnlyList<Relation> LoadAll(string path, string? templateOverride = null)
    {
        if (!File.Exists(path))
            throw new LreException("RelationFileNotFound", LreErrorKind.NotFound, $"The relation file '{path}' does not exist.");
        using (var doc = StrictJson.Parse(File.ReadAllBytes(path), why => Invalid(path, why)))
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("relations", out var bundle) && bundle.ValueKind == JsonValueKind.Array)
                // a bundle (as stories260k's relations.json) may list relations with no pairs: skip those
                return bundle.EnumerateArray().Select(r => Parse(path, r, templateOverride, allowEmpty: true)).OfType<Relation>().ToArray();
            return new[] { Parse(path, root, templateOverride, allowEmpty: false)! };
        }
    }

    private static Relation? Parse(string path, JsonElement root, string? templateOverride, bool allowEmpty)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        string[] templates;
        JsonElement samples;
        if (root.ValueKind == JsonValueKind.Array)
        {
            templates = Array.Empty<string>();
            samples = root;
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            if (!root.TryGetProperty("samples", out samples) || samples.ValueKind != JsonValueKind.Array)
                throw Invalid(path, "it has no 'samples' list");
            if (root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String) name = n.GetString()!;
            templates = root.TryGetProperty("prompt_templates", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw Invalid(path, "'prompt_templates' must hold strings")).ToArray()
                : Array.Empty<string>();
        }
        else throw Invalid(path, "it is neither a relation object nor a list of {subject, object} pairs");

        if (templateOverride is not null) templates = new[] { templateOverride }.Concat(templates.Where(t => t != templateOverride)).ToArray();
        foreach (var t in templates.Take(1)) PromptTemplate.Check(t);
        if (allowEmpty && samples.GetArrayLength() == 0) return null;
        var (pairs, warnings) = ReadSamples(path, samples);
        return new Relation(name, templates, pairs, Path.GetFullPath(path)) { Warnings = warnings };
    }

    private static (List<RelationSample>, List<string>) ReadSamples(string path, JsonElement samples)
    {
        var pairs = new List<RelationSample>();
        var warnings = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var s in samples.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Object) throw Invalid(path, $"sample {i} is not an object with 'subject' and 'object'");
            string subject = Text(path, s, "subject", i), obj = Text(path, s, "object", i);
            if (subject.Trim().Length == 0)
                throw new LreException("RelationSubjectEmpty", LreErrorKind.InvalidData, $"'{path}': sample {i} has an empty subject.");
            if (obj.Trim().Length == 0)
                throw new LreException("RelationObjectEmpty", LreErrorKind.InvalidData, $"'{path}': sample {i} (subject '{subject}') has an empty object.");
            if (!seen.Add(subject)) warnings.Add($"Duplicate subject '{subject}' (sample {i}) dropped; the first pair is kept.");
            else pairs.Add(new RelationSample(subject, obj));
            i++;
        }
        if (pairs.Count == 0) throw Invalid(path, "it has no samples");
        return (pairs, warnings);
    }

    private static string Text(string path, JsonElement sample, string field, int i) =>
        sample.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
        : throw Invalid(path, $"sample {i} has no string '{field}'");

    private static LreException Invalid(string path, string why) =>
        new("RelationInvalid", LreErrorKind.InvalidData, $"'{path}' is not a relation file: {why}.");
}
