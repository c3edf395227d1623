using System.Buffers.Binary;
using System.IO.Compression;

namespace Corrections.Editing.Data;

/// <summary>
/// One IDX file (the MNIST family's format): a big-endian header 0x00 0x00 type ndims, then ndims int32 sizes, then
/// the data. Only unsigned-byte data (type 0x08) is supported, which is all MNIST-style image and label files use.
/// Files named *.gz are gunzipped on the fly.
/// </summary>
public sealed class IdxFile
{
    /// <summary>The only element type supported: unsigned byte.</summary>
    public const byte UnsignedByteType = 0x08;

    private IdxFile(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        Dimensions = dimensions;
        Data = data;
    }

    public string Path { get; }

    /// <summary>The sizes declared in the header, outermost first (e.g. [N, 28, 28] for images, [N] for labels).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The data bytes, exactly as many as the product of <see cref="Dimensions"/>.</summary>
    public byte[] Data { get; }

    /// <exception cref="DataFormatException">
    /// Not an IDX file, an unsupported element type, impossible sizes, a truncated file or bytes after the data.
    /// </exception>
    public static IdxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var gzipped = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        using Stream content = gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(content, path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"IDX file {path}: not a valid gzip stream ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Writes unsigned-byte data with its sizes as an IDX file, gzipped when <paramref name="path"/> ends in .gz; the
    /// file is written beside its final name and moved there, so a reader never sees half of it.
    /// </summary>
    public static void Write(string path, IReadOnlyList<int> dimensions, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (dimensions.Count is 0 or > 255 || dimensions.Any(d => d < 0))
        {
            throw new ArgumentException($"IDX sizes must be 1 to 255 non-negative numbers, got [{string.Join(", ", dimensions)}].", nameof(dimensions));
        }
        var expected = dimensions.Aggregate(1L, (a, d) => a * d);
        if (expected != data.Length)
        {
            throw new ArgumentException($"Sizes [{string.Join(" x ", dimensions)}] need {expected} bytes, got {data.Length}.", nameof(data));
        }
        var temporary = path + ".partial";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        using (Stream content = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file)
        {
            Span<byte> header = stackalloc byte[4];
            header[2] = UnsignedByteType;
            header[3] = (byte)dimensions.Count;
            content.Write(header);
            foreach (var size in dimensions)
            {
                BinaryPrimitives.WriteInt32BigEndian(header, size);
                content.Write(header);
            }
            content.Write(data);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static IdxFile Read(Stream content, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        var magicRead = content.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (magicRead < magic.Length)
        {
            throw new DataFormatException($"IDX file {path} is truncated: expected a 4-byte magic number, got {magicRead} bytes.");
        }

        CheckMagic(magic, path);
        var dimensions = ReadDimensions(content, magic[3], path);
        var headerLength = 4 + (4 * dimensions.Length);
        var dataLength = DataLength(dimensions, path);

        var data = new byte[dataLength];
        var dataRead = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (dataRead < dataLength)
        {
            throw new DataFormatException(
                $"IDX file {path} is truncated: the header declares [{string.Join(" x ", dimensions)}], so expected "
                + $"{headerLength + dataLength} bytes, got {headerLength + dataRead}.");
        }

        var trailing = CountRemaining(content);
        if (trailing > 0)
        {
            // Extra bytes mean the header and the data disagree (wrong file, concatenation, bad download):
            // silently dropping them would hide that.
            throw new DataFormatException(
                $"IDX file {path} has {trailing} unexpected bytes after the data: the header declares "
                + $"[{string.Join(" x ", dimensions)}], so expected {headerLength + dataLength} bytes, got {headerLength + dataLength + trailing}.");
        }

        return new IdxFile(path, dimensions, data);
    }

    private static void CheckMagic(ReadOnlySpan<byte> magic, string path)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(magic);
        if (magic[0] == 0x1F && magic[1] == 0x8B)
        {
            throw new DataFormatException(
                $"IDX file {path}: wrong magic number 0x{value:X8}; this looks gzip-compressed, name it *.gz so it is decompressed.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DataFormatException(
                $"IDX file {path}: wrong magic number 0x{value:X8}; an IDX file starts with 0x00 0x00, then the type and dimension count.");
        }

        if (magic[2] != UnsignedByteType)
        {
            throw new DataFormatException(
                $"IDX file {path}: unsupported data type 0x{magic[2]:X2} {TypeName(magic[2])}; only 0x08 (unsigned byte) is supported.");
        }

        if (magic[3] == 0)
        {
            throw new DataFormatException($"IDX file {path}: the header declares 0 dimensions; at least one is needed.");
        }
    }

    private static int[] ReadDimensions(Stream content, int count, string path)
    {
        var header = new byte[4 * count];
        var read = content.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < header.Length)
        {
            throw new DataFormatException(
                $"IDX file {path} is truncated: expected a {4 + header.Length}-byte header for {count} dimensions, got {4 + read} bytes.");
        }

        var dimensions = new int[count];
        for (var i = 0; i < count; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * i, 4));
            if (dimensions[i] < 0)
            {
                throw new DataFormatException(
                    $"IDX file {path}: dimension {i} has size {(uint)dimensions[i]}, larger than the format's int32 limit.");
            }
        }

        return dimensions;
    }

    private static int DataLength(int[] dimensions, string path)
    {
        long length = 1;
        foreach (var size in dimensions)
        {
            length *= size;

            // Checked per factor so the product cannot overflow a long before it is compared.
            if (length > Array.MaxLength)
            {
                throw new DataFormatException(
                    $"IDX file {path}: the header declares [{string.Join(" x ", dimensions)}], more than the {Array.MaxLength} bytes one array can hold.");
            }
        }

        return (int)length;
    }

    private static long CountRemaining(Stream content)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = content.Read(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static string TypeName(byte type) => type switch
    {
        0x09 => "(signed byte)",
        0x0B => "(int16)",
        0x0C => "(int32)",
        0x0D => "(float32)",
        0x0E => "(float64)",
        _ => "(not an IDX type)",
    };
}
