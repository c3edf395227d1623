using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Persistence;

/// <summary>
/// The safetensors format (Hugging Face's, read by PyTorch, JAX and most serving stacks): a little-endian uint64 header
/// length, a UTF-8 JSON header mapping each tensor name to its dtype, shape and byte range (plus a string-to-string
/// <c>__metadata__</c>), then the raw little-endian values. The same tensors and metadata as <see cref="TensorArchive"/>,
/// so a model goes out and comes back bit for bit; written in the given order, deterministically, and atomically
/// (<see cref="AtomicFile"/>).
/// </summary>
public static class SafeTensors
{
    public const string Extension = ".safetensors";
    private const long MaxHeaderBytes = 100 << 20;

    /// <summary>Whether <paramref name="path"/> names a safetensors file (by its extension, as every tool does).</summary>
    public static bool Names(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new Dictionary<string, object>();
        if (metadata.Count > 0)
        {
            header["__metadata__"] = new SortedDictionary<string, string>(metadata.ToDictionary(), StringComparer.Ordinal);
        }
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            if (name == "__metadata__" || !header.TryAdd(name, new Entry(DType(t.dtype), t.shape, [offset, offset + Bytes(t)])))
            {
                throw new ArgumentException($"Tensor name {name} appears twice or is reserved.");
            }
            offset += Bytes(t);
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Options);
        // The format recommends padding the header with spaces to a multiple of 8 bytes, so the data is aligned.
        var padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            stream.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
            foreach (var (_, t) in tensors)
            {
                // Every temporary held (see Network.Copy): a chained one can be finalized while libtorch reads it.
                using var detached = t.detach();
                using var onCpu = detached.cpu();
                using var cpu = onCpu.contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>Every tensor in data order, and the metadata; a file that breaks the format is a <see cref="DataFormatException"/>.</summary>
    public static (IReadOnlyList<(string Name, Tensor Tensor)> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw new DataFormatException($"{path} is not a safetensors file (shorter than its header length).");
        }
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength == 0 || headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
        {
            throw new DataFormatException($"{path}: header length {headerLength} does not fit a {bytes.Length}-byte file (truncated, or not safetensors).");
        }
        var dataStart = 8 + (long)headerLength;
        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
        try
        {
            using var document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var item in property.Value.EnumerateObject())
                    {
                        metadata[item.Name] = item.Value.GetString() ?? "";
                    }
                    continue;
                }
                var dtype = property.Value.GetProperty("dtype").GetString() ?? "";
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var range = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                if (range.Length != 2)
                {
                    throw new DataFormatException($"{path}: tensor {property.Name} has no [begin, end] data_offsets.");
                }
                entries.Add((property.Name, dtype, shape, range[0], range[1]));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new DataFormatException($"{path}: the header is not a safetensors header ({e.Message}).", e);
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var expected = 0L;
        var tensors = new List<(string, Tensor)>();
        foreach (var (name, dtype, shape, begin, end) in entries)
        {
            var width = dtype switch
            {
                "F32" => 4,
                "F64" or "I64" => 8,
                _ => throw new DataFormatException($"{path}: tensor {name} is {dtype}; only F32, F64 and I64 are read."),
            };
            if (shape.Any(d => d < 0) || begin != expected || end - begin != shape.Aggregate(1L, (a, d) => checked(a * d)) * width || dataStart + end > bytes.Length)
            {
                throw new DataFormatException($"{path}: tensor {name}'s bytes [{begin}, {end}) do not match its shape or follow the one before (truncated or corrupt).");
            }
            var offset = (int)(dataStart + begin);
            var count = (int)(end - begin);
            tensors.Add((name, dtype switch
            {
                "I64" => tensor(Copy<long>(bytes, offset, count), shape),
                "F64" => tensor(Copy<double>(bytes, offset, count), shape),
                _ => tensor(Copy<float>(bytes, offset, count), shape),
            }));
            expected = end;
        }
        if (dataStart + expected != bytes.Length)
        {
            throw new DataFormatException($"{path}: the header describes {expected} bytes of tensors, the file holds {bytes.Length - dataStart}.");
        }
        return (tensors, metadata);
    }

    private static T[] Copy<T>(byte[] bytes, int offset, int count) where T : unmanaged
    {
        var values = new T[count / System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        Buffer.BlockCopy(bytes, offset, values, 0, count);
        return values;
    }

    private static long Bytes(Tensor t) => t.NumberOfElements * t.ElementSize;

    private static string DType(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        _ => throw new ArgumentException($"Only float32, float64 and int64 tensors are written, got {type}."),
    };

    private sealed record Entry(
        [property: JsonPropertyName("dtype")] string DType,
        [property: JsonPropertyName("shape")] long[] Shape,
        [property: JsonPropertyName("data_offsets")] long[] DataOffsets);

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
