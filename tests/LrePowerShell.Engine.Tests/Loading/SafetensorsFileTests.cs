using System.Buffers.Binary;
using System.Text;
using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Native;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Loading;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lre-st-").FullName;

    public SafetensorsFileTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_dir, true);

    private static byte[] File(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var b = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)h.Length);
        h.CopyTo(b, 8);
        data.CopyTo(b, 8 + h.Length);
        return b;
    }

    private string Save(byte[] bytes)
    {
        string p = Path.Combine(_dir, Guid.NewGuid() + ".safetensors");
        System.IO.File.WriteAllBytes(p, bytes);
        return p;
    }

    private static LreException Fails(string path) => Assert.Throws<LreException>(() => { using var _ = SafetensorsFile.Open(path); });

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Writes_and_reads_back_each_float_dtype(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1f, -2.5f, 0.15625f, 3f, 4f, 5f }, new long[] { 2, 3 }).to(dtype);
        var b = tensor(new float[] { 7f, 8f }).to(dtype);
        string p = Path.Combine(_dir, "rt.safetensors");
        SafetensorsFile.Write(p, new[] { ("a", a), ("b", b) }, new Dictionary<string, string> { ["note"] = "x" });
        using var f = SafetensorsFile.Open(p);
        Assert.Equal("x", f.Metadata["note"]);
        Assert.Equal(new long[] { 2, 3 }, f.Entries["a"].Shape);
        Assert.True(f.Read("a").eq(a).all().item<bool>());
        Assert.True(f.Read("b").eq(b).all().item<bool>());
    }

    [Fact]
    public void Reads_a_tensor_whose_offset_is_not_aligned()
    {
        // a 3-byte header puts the F32 data at byte 11: it cannot be viewed through a typed mapping
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2f);
        string header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        using var f = SafetensorsFile.Open(Save(File(header + "   ", data)));
        Assert.Equal(new[] { 1.5f, -2f }, f.Read("x").data<float>().ToArray());
    }

    [Fact]
    public void Maps_the_file_instead_of_copying_it()
    {
        using var scope = NewDisposeScope();
        string p = Path.Combine(_dir, "mapped.safetensors");
        SafetensorsFile.Write(p, new[] { ("w", ones(256, 256)) });
        using var f = SafetensorsFile.Open(p);
        var w = f.Read("w");
        Assert.Contains(p, System.IO.File.ReadAllText("/proc/self/maps"));
        Assert.Equal(256.0f * 256, w.sum().item<float>());
    }

    [Fact]
    public void A_file_shorter_than_its_length_field() =>
        Assert.Equal("SafetensorsInvalid", Fails(Save(new byte[] { 1, 2, 3 })).ErrorId);

    [Fact]
    public void A_header_length_outside_the_file()
    {
        var b = File("{}", Array.Empty<byte>());
        BinaryPrimitives.WriteUInt64LittleEndian(b, 1_000_000);
        Assert.Contains("outside the file", Fails(Save(b)).Message);
    }

    [Fact]
    public void A_header_that_is_not_json() =>
        Assert.Contains("not valid JSON", Fails(Save(File("{not json", new byte[4]))).Message);

    [Fact]
    public void Offsets_outside_the_data() =>
        Assert.Contains("'x'", Fails(Save(File("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,800]}}", new byte[8]))).Message);

    [Fact]
    public void Dtype_times_shape_that_disagrees_with_the_byte_range() =>
        Assert.Contains("span", Fails(Save(File("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]))).Message);

    [Fact]
    public void A_malformed_entry() =>
        Assert.Equal("SafetensorsInvalid", Fails(Save(File("{\"x\":{\"dtype\":\"F32\"}}", new byte[8]))).ErrorId);

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.Float32)]
    public void Converted_reads_equal_converting_the_mapped_tensor(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var big = randn(5_000_001);                              // 20 MB of fp32: more than one 16 MB staging step
        var small = randn(3, 5);
        string p = Path.Combine(_dir, "convert.safetensors");
        SafetensorsFile.Write(p, new[] { ("big", big), ("small", small), ("empty", zeros(0, 4)) });
        using var f = SafetensorsFile.Open(p);
        foreach (var (name, expected) in new[] { ("big", big), ("small", small) })
        {
            var read = f.ReadConverted(name, dtype, CPU);
            Assert.Equal(dtype, read.dtype);
            Assert.Equal(expected.shape, read.shape);
            Assert.True(read.eq(expected.to(dtype)).all().item<bool>(), name);
        }
        Assert.Equal(new long[] { 0, 4 }, f.ReadConverted("empty", dtype, CPU).shape);
    }
}
