using System.Text.Json;
using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Loading;

/// <summary>
/// <c>model.safetensors.index.json</c>: the map from tensor name to shard file. Read by the loader and by
/// the hub client, which must know the shards before it downloads them; both refuse a shard name that is
/// not a plain file name, since a name like <c>../x</c> would read or write outside the model folder.
/// </summary>
public static class ShardIndex
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>The <c>weight_map</c> (tensor name → shard file name), every shard name checked.</summary>
    /// <exception cref="LreException"><c>SafetensorsIndexInvalid</c>: malformed, or a shard name that is not a plain file name.</exception>
    public static IReadOnlyDictionary<string, string> ReadWeightMap(string indexPath)
    {
        Dictionary<string, string> map;
        try
        {
            using var doc = StrictJson.Parse(File.ReadAllBytes(indexPath), why => new JsonException(why));
            map = doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LreException("SafetensorsIndexInvalid", LreErrorKind.InvalidData,
                $"'{indexPath}' is not a valid shard index (it needs a 'weight_map' object of tensor name -> file name): {ex.Message}");
        }
        foreach (var shard in map.Values.Distinct())
        {
            if (!IsPlainFileName(shard))
                throw new LreException("SafetensorsIndexInvalid", LreErrorKind.InvalidData,
                    $"'{indexPath}' names the shard '{shard}', which is not a plain file name inside the model folder.");
        }
        return map;
    }

    /// <summary>The distinct shard file names, in first-mention order.</summary>
    public static IReadOnlyList<string> ReadShardNames(string indexPath) => ReadWeightMap(indexPath).Values.Distinct().ToList();

    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name is not "." and not ".." && name.IndexOfAny(['/', '\\', '\0']) < 0 && !Path.IsPathRooted(name);
}
