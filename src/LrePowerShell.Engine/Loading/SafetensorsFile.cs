using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LrePowerShell.Engine.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Loading;

/// <summary>One entry of a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// A safetensors file: the header is parsed and every entry checked against the file before any
/// tensor is touched (a hostile or truncated file fails here with the file named). Tensors are
/// memory-mapped copy-on-write (<c>torch.from_file(shared: false)</c> is a MAP_PRIVATE mapping), so
/// loading costs no second copy of the weights and read-only files work.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100_000_000;   // the format's own limit
    private readonly Dictionary<ScalarType, Tensor> _mappings = new();
    /// <summary>One staging buffer per stored dtype for <see cref="ReadConverted"/>, kept until the file is disposed.</summary>
    private readonly Dictionary<ScalarType, Tensor> _staging = new();
    private readonly long _dataStart;
    private readonly long _fileLength;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafetensorsFile(string path, long dataStart, long fileLength,
        Dictionary<string, SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path; _dataStart = dataStart; _fileLength = fileLength; Entries = entries; Metadata = metadata;
    }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new LreException("WeightsFileMissing", LreErrorKind.NotFound, $"The weights file '{path}' does not exist.");
        long length;
        byte[] lenBytes = new byte[8];
        // the open stream's length is the target's when path is a symlink (the hub cache's snapshots are
        // links to blobs); FileInfo.Length would be the link's own
        using (var fs = File.OpenRead(path))
        {
            length = fs.Length;
            if (length < 8) throw Invalid(path, $"the file is {length} bytes long, shorter than the 8-byte header length");
            fs.ReadExactly(lenBytes);
        }
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLen > MaxHeaderBytes || 8 + (long)headerLen > length)
            throw Invalid(path, $"the header length {headerLen} points outside the file ({length} bytes): the file is truncated or not safetensors");
        byte[] header = new byte[headerLen];
        using (var fs = File.OpenRead(path)) { fs.Position = 8; fs.ReadExactly(header); }

        using (var doc = StrictJson.Parse(header, why => Invalid(path, "the header: " + why)))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(path, "the header is not a JSON object");
            long dataLength = length - 8 - (long)headerLen;
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in prop.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                if (entries.ContainsKey(prop.Name)) throw Invalid(path, $"tensor '{prop.Name}' is listed twice");
                entries[prop.Name] = ParseEntry(path, prop.Name, prop.Value, dataLength);
            }
            CheckNoOverlap(path, entries.Values);
            return new SafetensorsFile(path, 8 + (long)headerLen, length, entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        try
        {
            string dtype = e.GetProperty("dtype").GetString() ?? "";
            long[] shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offsets.Length != 2) throw Invalid(path, $"tensor '{name}' has {offsets.Length} data_offsets, not 2");
            long begin = offsets[0], end = offsets[1];
            if (begin < 0 || end < begin || end > dataLength)
                throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section (truncated file?)");
            if (shape.Any(s => s < 0)) throw Invalid(path, $"tensor '{name}' has a negative dimension");
            int size = ElementSize(dtype);
            if (size == 0) throw Invalid(path, $"tensor '{name}' has dtype '{dtype}'; supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL");
            long count = 1;
            foreach (var s in shape) count = checked(count * s);
            if (checked(count * size) != end - begin)
                throw Invalid(path, $"tensor '{name}' is {dtype} [{string.Join(", ", shape)}] = {count * size} bytes, but its data_offsets span {end - begin} bytes");
            return new SafetensorsEntry(name, dtype, shape, begin, end);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Invalid(path, $"tensor '{name}' has a malformed header entry ({ex.Message})");
        }
    }

    /// <summary>Two tensors may not share bytes: a writer that aliases them is broken or hostile.</summary>
    private static void CheckNoOverlap(string path, IEnumerable<SafetensorsEntry> entries)
    {
        SafetensorsEntry? previous = null;
        foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (previous is not null && e.Begin < previous.End)
                throw Invalid(path, $"tensors '{previous.Name}' and '{e.Name}' overlap in the data section");
            previous = e;
        }
    }

    /// <summary>Bytes per element of a safetensors dtype, or 0 when this module cannot read it.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" or "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => 0,
    };

    public static ScalarType? ToScalarType(string dtype) => dtype switch
    {
        "F64" => ScalarType.Float64, "F32" => ScalarType.Float32, "F16" => ScalarType.Float16, "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64, "I32" => ScalarType.Int32, "I16" => ScalarType.Int16, "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte, "BOOL" => ScalarType.Bool,
        _ => null,
    };

    /// <summary>The dtype a tensor is stored in, as libtorch names it; SafetensorsInvalid when libtorch has none.</summary>
    public ScalarType StoredType(string name)
    {
        var e = Entries[name];
        return ToScalarType(e.DType) ?? throw Invalid(Path, $"tensor '{name}' has dtype {e.DType}, which this module cannot read");
    }

    /// <summary>The tensor, on the CPU in the file's dtype. It shares memory with the mapping: callers
    /// must not write into it (copy-on-write would keep the change private, but it wastes memory).</summary>
    public Tensor Read(string name)
    {
        var e = Entries[name];
        var dtype = StoredType(name);
        int size = ElementSize(e.DType);
        long absolute = _dataStart + e.Begin, count = (e.End - e.Begin) / size;
        if (absolute % size == 0)
        {
            if (!_mappings.TryGetValue(dtype, out var whole))
            {
                torch.Tensor mapped = torch.from_file(Path, shared: false, size: _fileLength / size, dtype: dtype);
                _mappings[dtype] = whole = mapped;
            }
            return whole.narrow(0, absolute / size, count).view(e.Shape);
        }
        // An offset that is not a multiple of the element size cannot be viewed through a typed
        // mapping (only non-standard writers produce it): read the bytes into a fresh tensor.
        var t = torch.empty(e.Shape, dtype);
        using (var fs = File.OpenRead(Path))
        {
            fs.Position = absolute;
            fs.ReadExactly(t.bytes);      // the span is the tensor's own CPU memory
        }
        return t;
    }

    /// <summary>Bytes read per step by <see cref="ReadConverted"/>.</summary>
    private const int StagingBytes = 16 << 20;

    /// <summary>
    /// The tensor converted to <paramref name="dtype"/> on <paramref name="device"/>, read through a 16 MB
    /// staging buffer rather than the mapping: the stored bytes pass through the page cache only, so
    /// converting a checkpoint costs its converted size and no more (reading the converted tensors
    /// through the mapping would keep every touched page of the whole file resident until the load
    /// ends: GPT-2-XL's 6.2 GB under its 3.1 GB of bfloat16).
    /// </summary>
    public Tensor ReadConverted(string name, ScalarType dtype, Device device)
    {
        var e = Entries[name];
        var stored = StoredType(name);
        int size = ElementSize(e.DType);
        long count = (e.End - e.Begin) / size, step = StagingBytes / size;
        var result = torch.empty(e.Shape, dtype, device);
        if (count == 0) return result;
        using var flat = result.view(-1);
        // one buffer for the whole load: a fresh 16 MB buffer per tensor, freed after it, raised glibc's
        // mmap threshold, so that weights came from the heap between the freed buffers; a GPT-2-XL
        // bfloat16 load then took 5-20 s instead of 1.8 s and kept 1.5 GB of holes (4.7 GB for 3.1 GB)
        if (!_staging.TryGetValue(stored, out var staging))
            _staging[stored] = staging = torch.empty(step, stored);
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        for (long at = 0; at < count; at += step)
        {
            long n = Math.Min(step, count - at);
            using var part = staging.narrow(0, 0, n);
            var span = part.bytes;
            long offset = _dataStart + e.Begin + at * size;
            for (int read = 0; read < span.Length;)
            {
                int got = RandomAccess.Read(handle, span[read..], offset + read);
                if (got == 0) throw Invalid(Path, $"the file ended inside tensor '{name}'");
                read += got;
            }
            using var target = flat.narrow(0, at, n);
            target.copy_(part);
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var t in _mappings.Values.Concat(_staging.Values)) t.Dispose();
        _mappings.Clear();
        _staging.Clear();
    }

    internal static LreException Invalid(string path, string why) =>
        new("SafetensorsInvalid", LreErrorKind.InvalidData, $"'{path}' is not a valid safetensors file: {why}.");

    /// <summary>Writes CPU tensors as a safetensors file with a padded header (call inside a DisposeScope:
    /// the contiguous copies it may make are left to it).</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.Select(t => (t.Name, Tensor: t.Tensor.contiguous())).ToList();
        var sb = new StringBuilder("{");
        sb.Append("\"__metadata__\":").Append(JsonSerializer.Serialize(metadata ?? new Dictionary<string, string> { ["format"] = "pt" }));
        long offset = 0;
        foreach (var (name, t) in list)
        {
            long bytes = t.NumberOfElements * t.ElementSize;
            sb.Append(',').Append(JsonSerializer.Serialize(name)).Append(":{\"dtype\":\"").Append(DTypeName(t.dtype))
              .Append("\",\"shape\":[").Append(string.Join(",", t.shape)).Append("],\"data_offsets\":[")
              .Append(offset).Append(',').Append(offset + bytes).Append("]}");
            offset += bytes;
        }
        sb.Append('}');
        while ((8 + Encoding.UTF8.GetByteCount(sb.ToString())) % 8 != 0) sb.Append(' ');
        byte[] header = Encoding.UTF8.GetBytes(sb.ToString());
        using var fs = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        fs.Write(len);
        fs.Write(header);
        foreach (var (_, t) in list)
        {
            fs.Write(t.bytes);
        }
    }

    private static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float64 => "F64", ScalarType.Float32 => "F32", ScalarType.Float16 => "F16", ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8", ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"dtype {t} has no safetensors name"),
    };
}
