using System.Text.Json;
using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Loading;

/// <summary>Typed reads of a model folder's config.json, with errors that name the field.</summary>
public sealed class ConfigJson
{
    private readonly JsonElement _root;

    public string Path { get; }

    private ConfigJson(string path, JsonElement root) { Path = path; _root = root; }

    public static ConfigJson Load(string folder)
    {
        string path = System.IO.Path.Combine(folder, "config.json");
        if (!File.Exists(path))
            throw new LreException("ConfigMissing", LreErrorKind.NotFound, $"'{folder}' has no config.json: it is not a Hugging Face model folder.");
        using var doc = StrictJson.Parse(File.ReadAllBytes(path), why => new LreException("ConfigInvalid", LreErrorKind.InvalidData, $"'{path}': {why}."));
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new LreException("ConfigInvalid", LreErrorKind.InvalidData, $"'{path}' is not a JSON object.");
        return new ConfigJson(path, doc.RootElement.Clone());
    }

    public bool Has(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement? Element(string name) => Has(name) ? _root.GetProperty(name) : null;

    public int Int(string name) => OptInt(name) ?? throw Missing(name);
    public double Double(string name) => OptDouble(name) ?? throw Missing(name);
    public string String(string name) => OptString(name) ?? throw Missing(name);

    public int? OptInt(string name) =>
        Get(name, JsonValueKind.Number) is { } e ? (e.TryGetInt32(out var i) ? i : throw Wrong(name, "an integer")) : null;
    public double? OptDouble(string name) => Get(name, JsonValueKind.Number)?.GetDouble();
    public string? OptString(string name) => Get(name, JsonValueKind.String)?.GetString();
    public bool OptBool(string name, bool fallback) =>
        Has(name) ? _root.GetProperty(name).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(name, "true or false"),
        } : fallback;

    /// <summary>An integer id that configs write either as a number or as a list (first wins).</summary>
    public int? OptId(string name)
    {
        if (!Has(name)) return null;
        var e = _root.GetProperty(name);
        if (e.ValueKind == JsonValueKind.Array) return e.GetArrayLength() > 0 && e[0].TryGetInt32(out var a) ? a : null;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : null;
    }

    public string[]? OptStringArray(string name) =>
        Get(name, JsonValueKind.Array)?.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw Wrong(name, "a list of strings")).ToArray();

    /// <summary>The field if present and not null; a field of the wrong JSON kind is an error.</summary>
    private JsonElement? Get(string name, JsonValueKind kind)
    {
        if (!Has(name)) return null;
        var e = _root.GetProperty(name);
        return e.ValueKind == kind ? e : throw Wrong(name, kind == JsonValueKind.Number ? "a number" : kind.ToString().ToLowerInvariant());
    }

    private LreException Missing(string name) =>
        new("ConfigInvalid", LreErrorKind.InvalidData, $"'{Path}' lacks the required field '{name}'.");

    private LreException Wrong(string name, string expected) =>
        new("ConfigInvalid", LreErrorKind.InvalidData, $"'{Path}': field '{name}' should be {expected}.");
}
