using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests;

/// <summary>
/// CIFAR-format stand-ins (CIFAR-10 and ImageNet-A cannot be downloaded here): 3×32×32 images whose class is a colour
/// cast under noise. More noise makes a harder set; another seed gives images a model has never seen, as NAE are.
/// Pixels are multiples of 1/255, so the binary batch and PNG files hold them exactly.
/// </summary>
/// <remarks>Shared as source with the integration tests (their project links this file).</remarks>
public static class GeneratedCifar
{
    public static readonly IReadOnlyList<string> ClassNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static LabeledImages Images(int count, long seed, double noise)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var labels = randint(0, 10, [count], dtype: int64, generator: generator);
        var casts = rand([10, 3, 1, 1], generator: new Generator(7));
        var images = (casts.index_select(0, labels) * (1 - noise) + rand([count, 3, 32, 32], generator: generator) * noise).mul(255).round().div(255);
        return new LabeledImages(images.contiguous().MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), ClassNames, $"generated CIFAR-format (seed {seed})");
    }

    /// <summary>The test split of the binary CIFAR-10 layout: <c>test_batch.bin</c> (label byte, 3,072 pixel bytes) and the class names.</summary>
    public static void WriteTestBatch(string directory, LabeledImages data)
    {
        Directory.CreateDirectory(directory);
        using var bytes = data.Images.mul(255).round().to(ScalarType.Byte).reshape(data.Count, 3 * 32 * 32);
        var pixels = bytes.data<byte>().ToArray();
        var labels = data.LabelValues();
        var records = new byte[data.Count * 3073];
        for (var i = 0; i < data.Count; i++)
        {
            records[i * 3073] = (byte)labels[i];
            Array.Copy(pixels, i * 3072, records, i * 3073 + 1, 3072);
        }
        File.WriteAllBytes(Path.Combine(directory, "test_batch.bin"), records);
        File.WriteAllLines(Path.Combine(directory, "batches.meta.txt"), ClassNames);
    }
}
