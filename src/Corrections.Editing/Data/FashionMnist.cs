using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017) from its IDX files: 28x28 grayscale clothing images in 10 classes,
/// 60,000 for training and 10,000 for test. Loads to float32 [N, 1, 28, 28] in [0, 1].
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the four gzipped IDX files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <exception cref="FileNotFoundException">The split's images or labels file is not in the directory.</exception>
    /// <exception cref="DataFormatException">A file is malformed, or the images and labels files disagree.</exception>
    public static LabeledImages Load(string directory, DatasetSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST directory {directory} does not exist (on Debian: apt-get install dataset-fashion-mnist).");
        }

        var prefix = split == DatasetSplit.Train ? "train" : "t10k";
        var imagesFile = IdxFile.Read(FindFile(directory, $"{prefix}-images-idx3-ubyte"));
        var labelsFile = IdxFile.Read(FindFile(directory, $"{prefix}-labels-idx1-ubyte"));
        CheckShapes(imagesFile, labelsFile);
        CheckLabels(labelsFile);

        var count = imagesFile.Dimensions[0];
        var rows = imagesFile.Dimensions[1];
        var columns = imagesFile.Dimensions[2];

        using var scope = NewDisposeScope();
        using var levels = 255.ToScalar();

        // One native conversion per file rather than a loop over 47 million pixels.
        var images = tensor(imagesFile.Data, [count, 1, rows, columns], ScalarType.Byte).to(ScalarType.Float32).div_(levels);
        var labels = tensor(labelsFile.Data, ScalarType.Byte).to(ScalarType.Int64);
        return new LabeledImages(images, labels, ClassNames, imagesFile.Path);
    }

    /// <summary>
    /// Writes <paramref name="train"/> and <paramref name="test"/> in the package's layout (four gzipped IDX files), so
    /// that <see cref="Load"/> and every <c>fashion-mnist:DIR</c> option read them back. Pixels are stored as bytes:
    /// images should already be multiples of 1/255 (the shift generator's are) to read back exactly.
    /// </summary>
    public static void Write(string directory, LabeledImages train, LabeledImages test)
    {
        Directory.CreateDirectory(directory);
        using var zero = 0.ToScalar();
        using var levels = 255.ToScalar();
        foreach (var (prefix, data) in new[] { ("train", train), ("t10k", test) })
        {
            if (data.ImageShape[0] != 1)
            {
                throw new ArgumentException($"Fashion-MNIST images have one channel, got [{string.Join(", ", data.ImageShape)}].");
            }
            using var scope = NewDisposeScope();
            var pixels = data.Images.mul(levels).round().clamp(zero, levels).to(ScalarType.Byte).contiguous().bytes;
            var labels = data.Labels.to(ScalarType.Byte).contiguous().bytes;
            var (rows, columns) = ((int)data.ImageShape[1], (int)data.ImageShape[2]);
            IdxFile.Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), [data.Count, rows, columns], pixels);
            IdxFile.Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), [data.Count], labels);
        }
    }

    private static string FindFile(string directory, string stem)
    {
        // The original distribution and Debian ship *.gz; some mirrors and unpacked copies drop the extension.
        string[] candidates = [$"{stem}.gz", stem];
        foreach (var name in candidates)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"Fashion-MNIST file {stem}(.gz) not found in {directory}.", Path.Combine(directory, candidates[0]));
    }

    private static void CheckShapes(IdxFile images, IdxFile labels)
    {
        if (images.Dimensions.Count != 3)
        {
            throw new DataFormatException(
                $"Fashion-MNIST images file {images.Path} has {images.Dimensions.Count} dimensions; expected 3 (count, rows, columns).");
        }

        if (images.Dimensions[1] == 0 || images.Dimensions[2] == 0)
        {
            throw new DataFormatException(
                $"Fashion-MNIST images file {images.Path} declares empty images ({images.Dimensions[1]} x {images.Dimensions[2]}).");
        }

        if (labels.Dimensions.Count != 1)
        {
            throw new DataFormatException(
                $"Fashion-MNIST labels file {labels.Path} has {labels.Dimensions.Count} dimensions; expected 1 (count).");
        }

        if (images.Dimensions[0] != labels.Dimensions[0])
        {
            throw new DataFormatException(
                $"Fashion-MNIST shape mismatch: {images.Path} holds {images.Dimensions[0]} images but {labels.Path} "
                + $"holds {labels.Dimensions[0]} labels.");
        }
    }

    private static void CheckLabels(IdxFile labels)
    {
        var data = labels.Data;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] >= ClassNames.Count)
            {
                throw new DataFormatException(
                    $"Fashion-MNIST labels file {labels.Path}: label {data[i]} at index {i} is out of range [0, {ClassNames.Count}).");
            }
        }
    }
}
