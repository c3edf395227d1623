using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Data;

/// <summary>
/// An image classification dataset held in memory on the CPU: <see cref="Images"/> is float32 [N, C, H, W] with
/// values in [0, 1] (normalisation is applied per batch, so the stored pixels stay comparable across models) and
/// <see cref="Labels"/> is int64 [N]. The instance owns both tensors; dispose it to free their native memory.
/// </summary>
public sealed class LabeledImages : IDisposable
{
    private readonly string[] _classNames;

    /// <summary>
    /// Takes ownership of <paramref name="images"/> and <paramref name="labels"/> after checking that they agree;
    /// <paramref name="source"/> says where the data came from (a file or folder) in error messages.
    /// </summary>
    /// <exception cref="DataFormatException">Shapes, dtypes or labels are inconsistent.</exception>
    public LabeledImages(Tensor images, Tensor labels, IReadOnlyList<string> classNames, string source = "dataset")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        Validate(images, labels, classNames.Count, source);

        // Detached from any dispose scope active at construction: a dataset outlives the scope that built it
        // and is freed by Dispose, not by whoever happened to be scoping tensors at the time.
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        _classNames = [.. classNames];
    }

    /// <summary>float32 [N, C, H, W], values in [0, 1].</summary>
    public Tensor Images { get; }

    /// <summary>int64 [N], each in [0, <see cref="ClassCount"/>).</summary>
    public Tensor Labels { get; }

    public IReadOnlyList<string> ClassNames => _classNames;

    public int ClassCount => _classNames.Length;

    public int Count => (int)Labels.shape[0];

    /// <summary>(C, H, W) of one image; a fresh array on every call.</summary>
    public long[] ImageShape => [Images.shape[1], Images.shape[2], Images.shape[3]];

    /// <summary>The first <paramref name="count"/> examples, copied (the result does not share memory).</summary>
    public LabeledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);

        using var scope = NewDisposeScope();
        var images = Images.narrow(0, 0, count).clone();
        var labels = Labels.narrow(0, 0, count).clone();
        return new LabeledImages(images, labels, _classNames, "subset");
    }

    /// <summary>The examples at <paramref name="indices"/> (repeats allowed), copied.</summary>
    public LabeledImages Select(long[] indices)
    {
        var (images, labels) = Batch(indices);
        return new LabeledImages(images, labels, _classNames, "subset");
    }

    /// <summary>
    /// Images [B, C, H, W] and labels [B] at <paramref name="indices"/>: new tensors that the caller disposes
    /// (or lets its dispose scope free).
    /// </summary>
    public (Tensor Images, Tensor Labels) Batch(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        CheckIndices(indices);

        using var index = tensor(indices, ScalarType.Int64);
        return (Images.index_select(0, index), Labels.index_select(0, index));
    }

    /// <summary>The pixels of image <paramref name="index"/>, [C, H, W] flattened, as a report carries them.</summary>
    public float[] ImageValues(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        using var image = Images[index];
        using var contiguous = image.contiguous();
        return contiguous.data<float>().ToArray();
    }

    /// <summary>This set followed by <paramref name="other"/> (same classes), copied.</summary>
    public LabeledImages Concat(LabeledImages other, string source)
    {
        if (!other.ImageShape.SequenceEqual(ImageShape) || !other.ClassNames.SequenceEqual(ClassNames))
        {
            throw new ArgumentException($"Cannot join images of [{string.Join(", ", ImageShape)}] with [{string.Join(", ", other.ImageShape)}] or different classes.");
        }
        using var scope = NewDisposeScope();
        var images = cat([Images, other.Images]);
        var labels = cat([Labels, other.Labels]);
        return new LabeledImages(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), _classNames, source);
    }

    /// <summary>Every label, in order.</summary>
    public long[] LabelValues() => Labels.data<long>().ToArray();

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }

    // index_select on an out-of-range index fails inside libtorch; checking here gives a message that says which one.
    private void CheckIndices(long[] indices)
    {
        var count = Count;
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || indices[i] >= count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), indices[i], $"Index {indices[i]} at position {i} is outside the dataset of {count} examples.");
            }
        }
    }

    private static void Validate(Tensor images, Tensor labels, int classCount, string source)
    {
        if (classCount == 0)
        {
            throw new DataFormatException($"{source}: no class names were given; a labelled dataset needs at least one class.");
        }

        if (images.dtype != ScalarType.Float32 || images.dim() != 4)
        {
            throw new DataFormatException(
                $"{source}: images must be a float32 tensor [N, C, H, W], got {images.dtype} [{string.Join(", ", images.shape)}].");
        }

        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1)
        {
            throw new DataFormatException(
                $"{source}: labels must be an int64 tensor [N], got {labels.dtype} [{string.Join(", ", labels.shape)}].");
        }

        if (images.shape[0] != labels.shape[0])
        {
            throw new DataFormatException($"{source}: {images.shape[0]} images but {labels.shape[0]} labels.");
        }

        if (images.device_type != DeviceType.CPU || labels.device_type != DeviceType.CPU)
        {
            throw new DataFormatException($"{source}: datasets are kept on the CPU; move batches to the device instead.");
        }

        if (labels.shape[0] == 0)
        {
            return;
        }

        using var min = labels.min();
        using var max = labels.max();
        var lowest = min.item<long>();
        var highest = max.item<long>();
        if (lowest < 0 || highest >= classCount)
        {
            var bad = lowest < 0 ? lowest : highest;
            throw new DataFormatException($"{source}: label {bad} is out of range [0, {classCount}) for {classCount} classes.");
        }
    }
}
