using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Lre;
using LrePowerShell.Engine.Tokenization;

namespace LrePowerShell.Engine.Tests.Reliability;

/// <summary>
/// Hostile files: thousands of mutated safetensors headers, configs, tokenizer files and relation
/// files. Each must either load or fail with the module's own <see cref="LreException"/> — never
/// another exception, a native crash (which would kill this test host) or a hang. The case count
/// is <c>LRE_FUZZ_ITER</c> per target (default 400, CI's short mode); counts are printed.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("LRE_FUZZ_ITER"), out var n) ? n : 400;
    private readonly string _dir = Directory.CreateTempSubdirectory("lre-fuzz-").FullName;
    private readonly ITestOutputHelper _out;

    public FuzzTests(ITestOutputHelper output) => _out = output;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly Gen<JsonNode?> AnyValue = Gen.OneOf(
        Gen.Const(() => (JsonNode?)null),
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Long[-10_000_000_000L, 10_000_000_000L].Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Double.Select(d => (JsonNode?)JsonValue.Create(double.IsFinite(d) ? d : 0.5)),
        Gen.Int[-3, 3].Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Int[-2, 70].Array[0, 4].Select(a => (JsonNode?)new JsonArray(a.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray())),
        Gen.Const(() => (JsonNode?)new JsonObject()));

    /// <summary>Outcome counts of one target, for the log.</summary>
    private sealed class Tally
    {
        public int Loaded, Refused;
        public override string ToString() => $"{Loaded} loaded, {Refused} refused with LreException";
    }

    /// <summary>Runs the action; anything but success or LreException fails the case, naming the input.</summary>
    private static void Expect(Tally tally, Action load, Func<string> input)
    {
        var task = Task.Run(() =>
        {
            try { load(); Interlocked.Increment(ref tally.Loaded); }
            catch (LreException) { Interlocked.Increment(ref tally.Refused); }
        });
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("a mutated input hung the loader");
        }
        catch (AggregateException ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.InnerException!.GetType().Name}: {ex.InnerException.Message}\ninput: {input()}\n{ex.InnerException.StackTrace}");
        }
    }

    private string Case(string fixture) => SharedData.CopyFixture(fixture, _dir);

    private static (JsonObject Header, byte[] Data) ReadSafetensors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return (JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, len))!.AsObject(), bytes[(8 + len)..]);
    }

    private static void WriteSafetensors(string path, byte[] header, byte[] data, ulong? declaredLength = null)
    {
        using var fs = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, declaredLength ?? (ulong)header.Length);
        fs.Write(len); fs.Write(header); fs.Write(data);
    }

    [SharedFact]
    public void Mutated_safetensors_headers()
    {
        var tally = new Tally();
        var (header, data) = ReadSafetensors(Path.Combine(SharedData.Fixture("llama"), "model.safetensors"));
        var names = header.Select(p => p.Key).Where(k => k != "__metadata__").ToArray();
        var gen = Gen.Select(Gen.Int[0, 6], Gen.Int[0, names.Length - 1], AnyValue, Gen.Int[0, 1 << 20], Gen.Byte);
        gen.Sample((kind, which, value, number, b) =>
        {
            string dir = Case("llama"), file = Path.Combine(dir, "model.safetensors");
            var h = header.DeepClone().AsObject();
            var entry = h[names[which]]!.AsObject();
            byte[] headerBytes;
            ulong? declared = null;
            var body = data;
            switch (kind)
            {
                case 0: entry["dtype"] = value; break;
                case 1: entry["shape"] = value; break;
                case 2: entry["data_offsets"] = value; break;
                case 3: h.Remove(names[which]); break;
                case 4: declared = (ulong)number; break;
                case 5: body = data[..Math.Min(number, data.Length)]; break;
                default: break;
            }
            headerBytes = Encoding.UTF8.GetBytes(h.ToJsonString());
            if (kind == 6) headerBytes[number % headerBytes.Length] = b;   // a raw byte flip anywhere in the JSON
            WriteSafetensors(file, headerBytes, body, declared);
            Expect(tally, () => { using var m = LanguageModel.Load(dir); }, () => $"kind {kind}, tensor {names[which]}, value {value?.ToJsonString()}, number {number}");
            Directory.Delete(dir, true);
        }, iter: Iterations, threads: 1);
        _out.WriteLine($"safetensors: {tally}");
        Assert.True(tally.Refused > 0);
    }

    [SharedFact]
    public void Mutated_configs()
    {
        var tally = new Tally();
        foreach (var fixture in new[] { "llama", "gpt2", "gemma3", "gptj" })
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedData.Fixture(fixture), "config.json")))!.AsObject();
            var keys = config.Select(p => p.Key).ToArray();
            Gen.Select(Gen.Int[0, keys.Length - 1], AnyValue, Gen.Bool).Sample((which, value, remove) =>
            {
                string dir = Case(fixture);
                var c = config.DeepClone().AsObject();
                if (remove) c.Remove(keys[which]); else c[keys[which]] = value;
                File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJsonString());
                Expect(tally, () => { using var m = LanguageModel.Load(dir); }, () => c.ToJsonString());
                Directory.Delete(dir, true);
            }, iter: Iterations / 4, threads: 1);
        }
        _out.WriteLine($"configs: {tally}");
        Assert.True(tally.Refused > 0 && tally.Loaded > 0);
    }

    [SharedFact]
    public void Mutated_tokenizer_files()
    {
        var tally = new Tally();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedData.Fixture("llama"), "tokenizer.json")))!.AsObject();
        string[] paths = { "model.type", "model.vocab", "model.merges", "model.ignore_merges", "pre_tokenizer", "normalizer", "post_processor", "added_tokens", "decoder" };
        var model = Gen.Select(Gen.Int[0, paths.Length - 1], AnyValue, Gen.Bool, Gen.Int[0, 1 << 16], Gen.Byte);
        model.Sample((which, value, remove, at, b) =>
        {
            string dir = Case("llama");
            var t = json.DeepClone().AsObject();
            var parts = paths[which].Split('.');
            JsonObject parent = parts.Length == 2 ? t[parts[0]]!.AsObject() : t;
            if (remove) parent.Remove(parts[^1]); else parent[parts[^1]] = value;
            var bytes = Encoding.UTF8.GetBytes(t.ToJsonString());
            if (at % 3 == 0) bytes[at % bytes.Length] = b;
            File.WriteAllBytes(Path.Combine(dir, "tokenizer.json"), bytes);
            Expect(tally, () => TokenizerLoader.Load(dir).Encode("Hello world, the capital of France is Paris."), () => $"{paths[which]} = {value?.ToJsonString()}, removed {remove}, byte {at}");
            Directory.Delete(dir, true);
        }, iter: Iterations / 2, threads: 1);
        // SentencePiece: random bytes flipped in the protobuf
        var proto = File.ReadAllBytes(Path.Combine(SharedData.Fixture("gemma2"), "tokenizer.model"));
        Gen.Select(Gen.Int[0, proto.Length - 1], Gen.Byte, Gen.Int[1, proto.Length]).Sample((at, b, cut) =>
        {
            string dir = Case("gemma2");
            var m = (byte[])proto.Clone();
            m[at] = b;
            File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), m[..cut]);
            Expect(tally, () => TokenizerLoader.Load(dir).Encode("Hello world, the capital of France is Paris."), () => $"byte {at} = {b}, cut at {cut}");
            Directory.Delete(dir, true);
        }, iter: Iterations / 2, threads: 1);
        _out.WriteLine($"tokenizers: {tally}");
        Assert.True(tally.Refused > 0);
    }

    [Fact]
    public void Mutated_relation_files()
    {
        var tally = new Tally();
        var relation = new JsonObject
        {
            ["name"] = "country capital", ["prompt_templates"] = new JsonArray("The capital of {} is"),
            ["samples"] = new JsonArray(new JsonObject { ["subject"] = "France", ["object"] = "Paris" }, new JsonObject { ["subject"] = "Peru", ["object"] = "Lima" }),
        };
        string[] paths = { "name", "prompt_templates", "samples", "samples.0", "samples.0.subject", "samples.1.object" };
        Gen.Select(Gen.Int[0, paths.Length - 1], AnyValue, Gen.Bool, Gen.Int[0, 1 << 12], Gen.Byte).Sample((which, value, remove, at, b) =>
        {
            var r = relation.DeepClone().AsObject();
            JsonNode parent = r;
            var parts = paths[which].Split('.');
            foreach (var p in parts[..^1]) parent = int.TryParse(p, out int i) ? parent[i]! : parent[p]!;
            string last = parts[^1];
            if (parent is JsonArray arr) arr[int.Parse(last)] = value;
            else if (remove) parent.AsObject().Remove(last);
            else parent[last] = value;
            var bytes = Encoding.UTF8.GetBytes(r.ToJsonString());
            if (at % 4 == 0) bytes[at % bytes.Length] = b;
            string file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllBytes(file, bytes);
            Expect(tally, () => RelationReader.LoadAll(file), () => Encoding.UTF8.GetString(bytes));
            File.Delete(file);
        }, iter: Iterations * 2, threads: 1);
        _out.WriteLine($"relations: {tally}");
        Assert.True(tally.Refused > 0 && tally.Loaded > 0);
    }
}
