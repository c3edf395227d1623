using System.Buffers.Binary;
using System.IO.Compression;

namespace Corrections.Editing.Tests.Data;

/// <summary>Builds IDX files byte by byte, so each test can break exactly one thing about them.</summary>
public static class IdxBytes
{
    public static byte[] Of(int[] dimensions, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dimensions.Length;
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    public static void Write(string path, byte[] bytes)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            File.WriteAllBytes(path, bytes);
            return;
        }

        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    /// <summary>Images [count, rows, columns] whose pixel i holds i mod 256, so positions are recognisable.</summary>
    public static byte[] Images(int count, int rows, int columns) =>
        Of([count, rows, columns], [.. Enumerable.Range(0, count * rows * columns).Select(i => (byte)(i % 256))]);

    public static byte[] Labels(params byte[] labels) => Of([labels.Length], labels);
}
