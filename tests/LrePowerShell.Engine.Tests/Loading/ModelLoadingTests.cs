using System.Text.Json;
using System.Text.Json.Nodes;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Loading;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Loading;

/// <summary>Loading paths beyond the single-file fixtures: shards, hub-style names, dtype
/// conversion, devices, and configs the module must refuse.</summary>
public sealed class ModelLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lre-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string CopyFixture(string name) => SharedData.CopyFixture(name, _dir, name);

    private static float[] LastLogits(LanguageModel m, params long[] ids)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = m.Decoder.Forward(tensor(ids, new long[] { 1, ids.Length }), new LrePowerShell.Engine.Modeling.ForwardOptions { LastPositionOnly = true })!;
        return logits.data<float>().ToArray();
    }

    /// <summary>Same weights at other addresses: the kernels may round differently in the last bit.</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"logit {i}");
    }

    [SharedFact]
    public void Sharded_checkpoints_load_like_single_files()
    {
        string dir = CopyFixture("qwen2");
        string single = Path.Combine(dir, "model.safetensors");
        var map = new Dictionary<string, string>();
        using (var scope = NewDisposeScope())
        using (var f = SafetensorsFile.Open(single))
        {
            var names = f.Entries.Keys.OrderBy(n => n).ToArray();
            for (int shard = 0; shard < 2; shard++)
            {
                string file = $"model-0000{shard + 1}-of-00002.safetensors";
                var part = names.Where((_, i) => i % 2 == shard).ToArray();
                SafetensorsFile.Write(Path.Combine(dir, file), part.Select(n => (n, f.Read(n).clone())));
                foreach (var n in part) map[n] = file;
            }
        }
        File.Delete(single);
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));

        using var sharded = LanguageModel.Load(dir);
        using var reference = LanguageModel.Load(SharedData.Fixture("qwen2"));
        AssertClose(LastLogits(reference, 267, 294, 265), LastLogits(sharded, 267, 294, 265));
    }

    [SharedFact]
    public void A_shard_name_that_escapes_the_model_folder_is_refused()
    {
        string dir = CopyFixture("llama");
        File.Move(Path.Combine(dir, "model.safetensors"), Path.Combine(_dir, "outside.safetensors"));
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            "{\"weight_map\":{\"model.norm.weight\":\"../outside.safetensors\"}}");
        var ex = Assert.Throws<LreException>(() => LanguageModel.Load(dir));
        Assert.Equal("SafetensorsIndexInvalid", ex.ErrorId);
    }

    [SharedFact]
    public void Prefixed_names_as_save_pretrained_writes_them_load_too()
    {
        // the gpt2 fixture has hub-style names (h.0.…, no 'transformer.'); write them with the prefix
        string dir = CopyFixture("gpt2");
        string file = Path.Combine(dir, "model.safetensors");
        using (var scope = NewDisposeScope())
        {
            List<(string, Tensor)> renamed;
            using (var f = SafetensorsFile.Open(file))
                renamed = f.Entries.Keys.Where(n => !n.EndsWith(".attn.bias") && !n.EndsWith(".attn.masked_bias"))
                    .Select(n => ("transformer." + n, f.Read(n).clone())).ToList();
            File.Delete(file);
            SafetensorsFile.Write(file, renamed);
        }
        using var prefixed = LanguageModel.Load(dir);
        using var hub = LanguageModel.Load(SharedData.Fixture("gpt2"));
        AssertClose(LastLogits(hub, 464, 3139), LastLogits(prefixed, 464, 3139));
    }

    [SharedFact]
    public void Float16_stored_weights_load_and_convert()
    {
        string dir = CopyFixture("llama");
        string file = Path.Combine(dir, "model.safetensors");
        using (var scope = NewDisposeScope())
        {
            List<(string, Tensor)> half;
            using (var f = SafetensorsFile.Open(file))
                half = f.Entries.Keys.Select(n => (n, f.Read(n).to(ScalarType.Float16))).ToList();
            File.Delete(file);
            SafetensorsFile.Write(file, half);
        }
        using var fromHalf = LanguageModel.Load(dir);
        Assert.Equal(ScalarType.Float32, fromHalf.DType);
        using var reference = LanguageModel.Load(SharedData.Fixture("llama"));
        var a = LastLogits(reference, 543, 267, 294, 265);
        var b = LastLogits(fromHalf, 543, 267, 294, 265);
        Assert.Equal(Array.IndexOf(a, a.Max()), Array.IndexOf(b, b.Max()));
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 0.05 * a.Max(Math.Abs));
    }

    [SharedFact]
    public void Float32_weights_are_memory_mapped_not_copied()
    {
        using var m = LanguageModel.Load(SharedData.Fixture("gemma3"));
        Assert.Contains(Path.Combine(SharedData.Fixture("gemma3"), "model.safetensors"), File.ReadAllText("/proc/self/maps"));
    }

    [SharedFact]
    public void Converted_weights_are_read_not_mapped()
    {
        string copy = Directory.CreateTempSubdirectory("lre-convert-").FullName;
        try
        {
            foreach (var f in Directory.GetFiles(SharedData.Fixture("gpt2"))) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
            using var m = LanguageModel.Load(copy, new LoadOptions(DType: "bfloat16"));
            Assert.DoesNotContain(Path.Combine(copy, "model.safetensors"), File.ReadAllText("/proc/self/maps"));
            using var reference = LanguageModel.Load(copy);
            using var scope = NewDisposeScope();
            Assert.True(m.Decoder.Unembedding.eq(reference.Decoder.Unembedding.to(ScalarType.BFloat16)).all().item<bool>());
        }
        finally { Directory.Delete(copy, true); }
    }

    [SharedFact]
    public void Parameter_counts_add_up_and_tied_heads_count_once()
    {
        using var m = LanguageModel.Load(SharedData.Fixture("llama"));
        Assert.Equal(m.Layers.Sum(l => l.ParameterCount), m.ParameterCount);
        Assert.Equal(0, m.Layers.Single(l => l.Name == "lm_head").ParameterCount);
        using var q = LanguageModel.Load(SharedData.Fixture("qwen2"));
        Assert.Equal(640L * 64, q.Layers.Single(l => l.Name == "lm_head").ParameterCount);
    }

    [SharedTheory]
    [InlineData("cuda", "DeviceUnavailable")]
    [InlineData("cuda:3", "DeviceUnavailable")]
    [InlineData("mps", "DeviceUnavailable")]
    [InlineData("gpu", "InvalidDevice")]
    public void Unavailable_devices_fail_clearly(string device, string id)
    {
        var ex = Assert.Throws<LreException>(() => LanguageModel.Load(SharedData.Fixture("llama"), new LoadOptions(Device: device)));
        Assert.Equal(id, ex.ErrorId);
    }

    [SharedTheory]
    [InlineData("model_type", "\"mamba\"", "ModelTypeUnsupported")]
    [InlineData("hidden_size", "null", "ConfigInvalid")]
    [InlineData("hidden_size", "\"sixty-four\"", "ConfigInvalid")]
    [InlineData("num_key_value_heads", "3", "ConfigInvalid")]
    [InlineData("rope_scaling", "{\"rope_type\":\"yarn\",\"factor\":4}", "RopeScalingUnsupported")]
    [InlineData("hidden_act", "\"relu\"", "ActivationUnsupported")]
    [InlineData("intermediate_size", "100", "WeightShapeMismatch")]
    public void Configs_the_module_must_refuse(string field, string json, string id)
    {
        string dir = CopyFixture("llama");
        string path = Path.Combine(dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config[field] = JsonNode.Parse(json);
        File.WriteAllText(path, config.ToJsonString());
        var ex = Assert.Throws<LreException>(() => LanguageModel.Load(dir));
        Assert.Equal(id, ex.ErrorId);
    }

    [SharedTheory]
    [InlineData("gptj")]
    [InlineData("gpt2")]   // [in, out] weights: float16 products are formed in float32 on the CPU
    public void Float16_conversion_on_load_stays_close_to_float32(string fixture)
    {
        using var full = LanguageModel.Load(SharedData.Fixture(fixture));
        using var half = LanguageModel.Load(SharedData.Fixture(fixture), new LoadOptions("float16"));
        Assert.Equal(ScalarType.Float16, half.DType);
        var a = LastLogits(full, 267, 294, 265, 494);
        var b = LastLogits(half, 267, 294, 265, 494);
        Assert.Equal(Array.IndexOf(a, a.Max()), Array.IndexOf(b, b.Max()));
    }
}
