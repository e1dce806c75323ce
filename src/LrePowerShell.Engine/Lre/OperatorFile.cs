using System.Globalization;
using System.Text.Json;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Loading;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Lre;

/// <summary>
/// Operators on disk: a safetensors file with fp32 <c>weight</c> [hidden, hidden] (W as applied,
/// rank truncation included: z = β·weight·h + bias) and <c>bias</c> [hidden], and everything else
/// in <c>__metadata__</c> (string values, as the format requires). Written to a temporary name and
/// renamed, so a failed export never leaves a half-written file.
/// </summary>
public static class OperatorFile
{
    public const string FormatName = "lre-operator/1";

    public static void Write(LinearOperator op, string path)
    {
        using var scope = NewDisposeScope();
        var weight = OperatorMath.Weight(op, CPU, ScalarType.Float32).contiguous();
        var meta = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["lre_format"] = FormatName,
            ["model"] = op.ModelName,
            ["model_fingerprint"] = op.ModelFingerprint,
            ["relation"] = op.Relation,
            ["template"] = op.Template,
            ["layer"] = op.Layer.ToString(CultureInfo.InvariantCulture),
            ["layer_name"] = op.LayerName,
            ["method"] = op.Method.ToString(),
            ["beta"] = op.Beta.ToString("R", CultureInfo.InvariantCulture),
            ["rank"] = op.Rank.ToString(CultureInfo.InvariantCulture),
            ["few_shot"] = op.FewShot?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["samples"] = JsonSerializer.Serialize(new { train = Pairs(op.Train), test = Pairs(op.Test) }),
        };
        string temp = path + ".partial-" + Environment.ProcessId;
        try
        {
            SafetensorsFile.Write(temp, new[] { ("weight", weight), ("bias", tensor(op.Bias)) }, meta);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temp) || new FileInfo(temp).LinkTarget is not null) File.Delete(temp);
            throw new LreException("OperatorWriteFailed", LreErrorKind.ResourceUnavailable, $"Could not write '{path}': {ex.Message}", ex);
        }
    }

    public static LinearOperator Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var m = file.Metadata;
        string Get(string key) => m.TryGetValue(key, out var v) ? v
            : throw new LreException("OperatorFileInvalid", LreErrorKind.InvalidData, $"'{path}' is not an LRE operator file: its metadata has no '{key}'.");
        if (Get("lre_format") != FormatName)
            throw new LreException("OperatorFileInvalid", LreErrorKind.InvalidData, $"'{path}' has operator format '{m["lre_format"]}', not {FormatName}.");
        if (!file.Entries.TryGetValue("weight", out var w) || !file.Entries.TryGetValue("bias", out var b)
            || w.DType != "F32" || b.DType != "F32" || w.Shape.Length != 2 || w.Shape[0] != w.Shape[1] || b.Shape.Length != 1 || b.Shape[0] != w.Shape[0])
            throw new LreException("OperatorFileInvalid", LreErrorKind.InvalidData, $"'{path}' needs F32 tensors 'weight' [d, d] and 'bias' [d].");
        try
        {
            using var samples = JsonDocument.Parse(Get("samples"));
            using var scope = NewDisposeScope();
            return new LinearOperator
            {
                Relation = Get("relation"), Template = Get("template"),
                Layer = int.Parse(Get("layer"), CultureInfo.InvariantCulture), LayerName = Get("layer_name"),
                Method = Enum.Parse<LreMethod>(Get("method")),
                Beta = double.Parse(Get("beta"), CultureInfo.InvariantCulture),
                Rank = int.Parse(Get("rank"), CultureInfo.InvariantCulture), Truncated = true,   // the weight on disk is W as applied
                FewShot = Get("few_shot") == "all" ? null : int.Parse(Get("few_shot"), CultureInfo.InvariantCulture),
                Train = ReadPairs(samples.RootElement.GetProperty("train")),
                Test = ReadPairs(samples.RootElement.GetProperty("test")),
                Dim = (int)w.Shape[0],
                Weight = file.Read("weight").data<float>().ToArray(),
                Bias = file.Read("bias").data<float>().ToArray(),
                ModelFingerprint = Get("model_fingerprint"), ModelName = Get("model"),
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LreException("OperatorFileInvalid", LreErrorKind.InvalidData, $"'{path}' has malformed operator metadata: {ex.Message}");
        }
    }

    private static object[] Pairs(IEnumerable<RelationSample> s) => s.Select(p => new { subject = p.Subject, @object = p.Object }).ToArray<object>();

    private static RelationSample[] ReadPairs(JsonElement e) =>
        e.EnumerateArray().Select(p => new RelationSample(p.GetProperty("subject").GetString()!, p.GetProperty("object").GetString()!)).ToArray();
}
