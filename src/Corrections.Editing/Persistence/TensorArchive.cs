using System.Buffers.Binary;
using System.Text.Json;
using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Persistence;

/// <summary>
/// Named CPU tensors plus string metadata in one file: an 8-byte magic, a little-endian int32 header length, a UTF-8
/// JSON header (metadata, names, dtypes, shapes), then the raw little-endian values in header order. Simple enough
/// to read from any language, deterministic (same tensors → same bytes, so SHA-256 identifies a version), and written
/// atomically (temp file + rename) so a crash never leaves half a model where a reader expects a whole one.
/// </summary>
public static class TensorArchive
{
    private static readonly byte[] Magic = "CORRECT1"u8.ToArray();
    private const int MaxHeaderBytes = 16 << 20;

    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var entries = tensors.Select(t => new Entry(t.Name, DTypeName(t.Tensor.dtype), t.Tensor.shape)).ToList();
        var duplicate = entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Tensor name {duplicate.Key} appears twice.");
        }
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(new SortedDictionary<string, string>(metadata.ToDictionary()), entries));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, header.Length);
            stream.Write(length);
            stream.Write(header);
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

    public static (IReadOnlyList<(string Name, Tensor Tensor)> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new DataFormatException($"{path} is not a Corrections model file (bad magic number).");
        }
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length));
        var dataStart = (long)Magic.Length + 4 + headerLength;
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || dataStart > bytes.Length)
        {
            throw new DataFormatException($"{path}: header length {headerLength} does not fit a {bytes.Length}-byte file (truncated?).");
        }
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(Magic.Length + 4, headerLength))
                ?? throw new DataFormatException($"{path}: empty header.");
        }
        catch (JsonException e)
        {
            throw new DataFormatException($"{path}: header is not valid JSON ({e.Message}).", e);
        }
        var expected = header.Tensors.Sum(e => ByteCount(path, e));
        if (dataStart + expected != bytes.Length)
        {
            throw new DataFormatException($"{path}: header describes {expected} bytes of tensors, the file holds {bytes.Length - dataStart} (truncated or corrupt).");
        }
        var tensors = new List<(string, Tensor)>();
        var offset = dataStart;
        foreach (var entry in header.Tensors)
        {
            var count = ByteCount(path, entry);
            var t = entry.DType switch
            {
                "int64" => tensor(ReadLongs(bytes, offset, count), entry.Shape),
                "float64" => tensor(ReadDoubles(bytes, offset, count), entry.Shape),
                _ => tensor(ReadFloats(bytes, offset, count), entry.Shape),
            };
            tensors.Add((entry.Name, t));
            offset += count;
        }
        return (tensors, header.Metadata);
    }

    private static long ByteCount(string path, Entry entry)
    {
        if (entry.Shape.Any(d => d < 0) || entry.DType is not ("float32" or "int64" or "float64"))
        {
            throw new DataFormatException($"{path}: tensor {entry.Name} has an invalid shape or dtype ({entry.DType}).");
        }
        return entry.Shape.Aggregate(1L, (a, b) => checked(a * b)) * (entry.DType == "float32" ? 4 : 8);
    }

    private static float[] ReadFloats(byte[] bytes, long offset, long count)
    {
        var values = new float[count / 4];
        Buffer.BlockCopy(bytes, (int)offset, values, 0, (int)count);
        return values;
    }

    private static double[] ReadDoubles(byte[] bytes, long offset, long count)
    {
        var values = new double[count / 8];
        Buffer.BlockCopy(bytes, (int)offset, values, 0, (int)count);
        return values;
    }

    private static long[] ReadLongs(byte[] bytes, long offset, long count)
    {
        var values = new long[count / 8];
        Buffer.BlockCopy(bytes, (int)offset, values, 0, (int)count);
        return values;
    }

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Int64 => "int64",
        ScalarType.Float64 => "float64",
        _ => throw new ArgumentException($"Only float32, float64 and int64 tensors are stored, got {type}."),
    };

    private sealed record Entry(string Name, string DType, long[] Shape);

    private sealed record Header(SortedDictionary<string, string> Metadata, List<Entry> Tensors);

    /// <summary>Hex SHA-256 of a file: the identity of a stored version.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }
}
