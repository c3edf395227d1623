namespace Corrections.Editing.Tests.Data;

/// <summary>Builds CIFAR-10 binary records: a label byte, then the red, green and blue 32x32 planes.</summary>
public static class CifarRecords
{
    public const int Length = 3073;

    /// <summary>One record whose planes are filled with a single value each.</summary>
    public static byte[] Solid(byte label, byte red, byte green, byte blue)
    {
        var record = new byte[Length];
        record[0] = label;
        record.AsSpan(1, 1024).Fill(red);
        record.AsSpan(1 + 1024, 1024).Fill(green);
        record.AsSpan(1 + 2048, 1024).Fill(blue);
        return record;
    }

    /// <summary>One record whose red plane counts 0, 1, 2, ... row by row, so the pixel order is checkable.</summary>
    public static byte[] Gradient(byte label)
    {
        var record = new byte[Length];
        record[0] = label;
        for (var i = 0; i < 1024; i++)
        {
            record[1 + i] = (byte)(i % 256);
        }

        return record;
    }

    public static void Write(string path, params byte[][] records) => File.WriteAllBytes(path, [.. records.SelectMany(r => r)]);
}
