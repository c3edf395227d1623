using static TorchSharp.torch;

namespace Corrections.Editing.Correcting;

/// <summary>
/// Corrected inputs and the labels they must get, held as managed arrays: raw images float32 [C, H, W] in [0, 1],
/// flattened one after another, as reports store them. Tensors are made on demand, so a set costs no native memory
/// while it waits for the compute gate.
/// </summary>
public sealed class CorrectionSet
{
    private readonly List<float> _inputs = [];
    private readonly List<long> _labels = [];

    public CorrectionSet(int[] imageShape)
    {
        if (imageShape.Length != 3 || imageShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"An image shape is [C, H, W] with positive sizes, got [{string.Join(", ", imageShape)}].", nameof(imageShape));
        }
        ImageShape = [.. imageShape];
        ElementCount = imageShape.Aggregate(1, (a, b) => a * b);
    }

    public int[] ImageShape { get; }

    /// <summary>Values in one image (C·H·W).</summary>
    public int ElementCount { get; }

    public int Count => _labels.Count;

    public IReadOnlyList<long> Labels => _labels;

    /// <summary>Adds one correction; <paramref name="input"/> holds <see cref="ElementCount"/> values.</summary>
    public CorrectionSet Add(ReadOnlySpan<float> input, long label)
    {
        if (input.Length != ElementCount)
        {
            throw new ArgumentException($"An input of [{string.Join(", ", ImageShape)}] has {ElementCount} values, got {input.Length}.", nameof(input));
        }
        _inputs.AddRange(input);
        _labels.Add(label);
        return this;
    }

    /// <summary>Adds one correction stored as little-endian float32 bytes (a report's input tensor).</summary>
    public CorrectionSet Add(byte[] stored, long label) => Add(Decode(stored, ElementCount), label);

    public static CorrectionSet Of(int[] imageShape, IEnumerable<(byte[] Stored, int Label)> corrections)
    {
        var set = new CorrectionSet(imageShape);
        foreach (var (stored, label) in corrections)
        {
            set.Add(stored, label);
        }
        return set;
    }

    /// <summary>The values of correction <paramref name="index"/> ([C, H, W] flattened).</summary>
    public ReadOnlySpan<float> Input(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_inputs).Slice(index * ElementCount, ElementCount);
    }

    /// <summary>A new set of the corrections at <paramref name="indices"/>, in that order.</summary>
    public CorrectionSet Select(IEnumerable<int> indices)
    {
        var set = new CorrectionSet(ImageShape);
        foreach (var i in indices)
        {
            set.Add(Input(i), _labels[i]);
        }
        return set;
    }

    /// <summary>float32 values from a stored input tensor; the length is checked before any tensor sees them.</summary>
    public static float[] Decode(byte[] bytes, int expectedCount)
    {
        if (bytes.Length != expectedCount * sizeof(float))
        {
            throw new InvalidDataException($"Stored input has {bytes.Length} bytes; {expectedCount} float32 values need {expectedCount * sizeof(float)}.");
        }
        var values = new float[expectedCount];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>Images [N, C, H, W] and labels [N], new tensors the caller disposes.</summary>
    public (Tensor Images, Tensor Labels) ToTensors() =>
        (tensor(_inputs.ToArray(), [Count, ImageShape[0], ImageShape[1], ImageShape[2]]), tensor(_labels.ToArray(), [Count]));
}
