using System.Text.Json;

namespace LrePowerShell.Trainer.Corpus;

public sealed record Sample(string Subject, string Object);

/// <summary>One relation of data/: its key (the file name), the template the project evaluates with
/// (the first <c>prompt_templates</c> entry, or the seed's), the file's other templates, and its pairs.</summary>
public sealed record Relation(string Key, string Template, IReadOnlyList<string> OtherTemplates, IReadOnlyList<Sample> Samples)
{
    /// <summary>The seed experiment's template, which its flat data_sample.json does not carry.</summary>
    public const string SeedTemplate = "{} students are typically";

    /// <summary>A template with the subject filled in: the prompt whose next word is the object.</summary>
    public static string Prompt(string template, string subject) => template.Replace("{}", subject, StringComparison.Ordinal);

    /// <summary>data/data_sample.json (the seed's flat list) and every data/relations/*.json (the paper's
    /// format), in file-name order so that a seed always sees the same relations in the same order.</summary>
    public static IReadOnlyList<Relation> LoadAll(string dataFolder)
    {
        var list = new List<Relation> { Load(Path.Combine(dataFolder, "data_sample.json")) };
        foreach (var file in Directory.GetFiles(Path.Combine(dataFolder, "relations"), "*.json").Order(StringComparer.Ordinal))
            list.Add(Load(file));
        return list;
    }

    public static Relation Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        string key = Path.GetFileNameWithoutExtension(path);
        if (root.ValueKind == JsonValueKind.Array) return new Relation(key, SeedTemplate, [], ReadSamples(root));
        var templates = Strings(root, "prompt_templates");
        if (templates.Count == 0) throw new InvalidDataException($"'{path}' has no prompt_templates.");
        return new Relation(key, templates[0], templates.Skip(1).Concat(Strings(root, "prompt_templates_zs")).ToArray(),
            ReadSamples(root.GetProperty("samples")));
    }

    private static List<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) ? a.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

    private static Sample[] ReadSamples(JsonElement array) =>
        array.EnumerateArray().Select(e => new Sample(e.GetProperty("subject").GetString()!, e.GetProperty("object").GetString()!)).ToArray();
}
