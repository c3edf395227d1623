using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Data;

/// <summary>
/// CIFAR-10 (Krizhevsky 2009) from its binary version: 32x32 colour images in 10 classes, 50,000 for training in
/// five batch files and 10,000 for test. Each record is one label byte then 3072 pixel bytes: the 1024 red values,
/// then green, then blue, each plane row-major. Loads to float32 [N, 3, 32, 32] in [0, 1].
/// </summary>
public static class Cifar10
{
    /// <summary>The folder the official cifar-10-binary.tar.gz unpacks to; accepted below the given directory.</summary>
    public const string ArchiveFolder = "cifar-10-batches-bin";

    private const int Side = 32;
    private const int PixelBytes = 3 * Side * Side;
    private const int RecordBytes = 1 + PixelBytes;

    public static IReadOnlyList<string> DefaultClassNames { get; } =
    [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ];

    /// <exception cref="FileNotFoundException">A batch file of the split is missing.</exception>
    /// <exception cref="DataFormatException">A batch file is truncated, holds a bad label, or the class list is wrong.</exception>
    public static LabeledImages Load(string directory, DatasetSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var folder = ResolveFolder(directory);
        string[] names = split == DatasetSplit.Train
            ? ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"]
            : ["test_batch.bin"];
        var paths = names.Select(name => RequireFile(folder, name)).ToArray();
        var classNames = ReadClassNames(folder);

        var records = ReadRecords(paths, classNames.Count);
        var count = records.Length / RecordBytes;

        using var scope = NewDisposeScope();
        using var levels = 255.ToScalar();

        // A [N, 3073] byte view of all records: the label is column 0 and the pixels, already in CHW order, the rest.
        var table = tensor(records, [count, RecordBytes], ScalarType.Byte);
        var images = table.narrow(1, 1, PixelBytes).reshape(count, 3, Side, Side).to(ScalarType.Float32).div_(levels);
        var labels = table.select(1, 0).to(ScalarType.Int64);
        return new LabeledImages(images, labels, classNames, folder);
    }

    private static string ResolveFolder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"CIFAR-10 directory {directory} does not exist.");
        }

        var nested = Path.Combine(directory, ArchiveFolder);
        var hasBatchesHere = Directory.EnumerateFiles(directory, "*_batch*.bin").Any();
        return !hasBatchesHere && Directory.Exists(nested) ? nested : directory;
    }

    private static string RequireFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"CIFAR-10 file {name} not found in {folder} (expected the binary version, cifar-10-binary.tar.gz).", path);
    }

    private static IReadOnlyList<string> ReadClassNames(string folder)
    {
        var path = Path.Combine(folder, "batches.meta.txt");
        if (!File.Exists(path))
        {
            return DefaultClassNames;
        }

        var names = File.ReadAllLines(path).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        return names.Length == DefaultClassNames.Count
            ? names
            : throw new DataFormatException(
                $"CIFAR-10 class list {path} names {names.Length} classes; expected {DefaultClassNames.Count}.");
    }

    // All files go into one array so the conversion to tensors is a single native operation.
    private static byte[] ReadRecords(string[] paths, int classCount)
    {
        var lengths = paths.Select(path => new FileInfo(path).Length).ToArray();
        for (var i = 0; i < paths.Length; i++)
        {
            if (lengths[i] == 0)
            {
                throw new DataFormatException($"CIFAR-10 file {paths[i]} is empty.");
            }

            if (lengths[i] % RecordBytes != 0)
            {
                throw new DataFormatException(
                    $"CIFAR-10 file {paths[i]} is truncated or corrupt: its {lengths[i]} bytes are not a multiple of the "
                    + $"{RecordBytes}-byte record (1 label byte + {PixelBytes} pixel bytes); {lengths[i] % RecordBytes} bytes are left over.");
            }
        }

        var total = lengths.Sum();
        if (total > Array.MaxLength)
        {
            throw new DataFormatException($"CIFAR-10 files in {Path.GetDirectoryName(paths[0])} hold {total} bytes, too many for one array.");
        }

        var records = new byte[total];
        var offset = 0;
        for (var i = 0; i < paths.Length; i++)
        {
            using var file = File.OpenRead(paths[i]);
            var length = (int)lengths[i];
            var read = file.ReadAtLeast(records.AsSpan(offset, length), length, throwOnEndOfStream: false);
            if (read != length)
            {
                throw new DataFormatException($"CIFAR-10 file {paths[i]} changed while reading: expected {length} bytes, got {read}.");
            }

            CheckLabels(records.AsSpan(offset, length), paths[i], classCount);
            offset += length;
        }

        return records;
    }

    private static void CheckLabels(ReadOnlySpan<byte> records, string path, int classCount)
    {
        for (var record = 0; record * RecordBytes < records.Length; record++)
        {
            var label = records[record * RecordBytes];
            if (label >= classCount)
            {
                throw new DataFormatException(
                    $"CIFAR-10 file {path}: label {label} in record {record} is out of range [0, {classCount}).");
            }
        }
    }
}
