using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Data;

/// <summary>
/// Batch-level training augmentations for images [N, C, H, W]. Randomness comes only from the given generator, drawn
/// on the CPU, so a fixed seed gives the same augmented batch on any device and in any run.
/// </summary>
public static class Augmentation
{
    /// <summary>
    /// Zero-pads each image by <paramref name="padding"/> on every side, then crops back to H x W at an offset drawn
    /// per image (the standard CIFAR "pad 4, random crop").
    /// </summary>
    public static Tensor RandomCrop(Tensor batch, int padding, Generator generator)
    {
        CheckBatch(batch);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (padding == 0)
        {
            return batch.clone();
        }

        using var scope = NewDisposeScope();
        var (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3]);
        // arange's start and step and add's alpha passed held (see NativeRuntime): the short forms make temporaries.
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        using var height = h.ToScalar();
        using var width = w.ToScalar();
        var padded = F.pad(batch, [padding, padding, padding, padding]);
        var offsets = randint(0, (2 * padding) + 1, [n, 2], ScalarType.Int64, generator: generator).to(batch.device);

        // Crop by gathering: first the rows top..top+H-1 of each image, then the columns left..left+W-1.
        var rows = offsets.narrow(1, 0, 1).add(arange(zero, height, one, ScalarType.Int64, batch.device), one);
        var rowIndex = rows.view(n, 1, h, 1).expand(n, c, h, w + (2 * padding));
        var columns = offsets.narrow(1, 1, 1).add(arange(zero, width, one, ScalarType.Int64, batch.device), one);
        var columnIndex = columns.view(n, 1, 1, w).expand(n, c, h, w);
        var cropped = padded.gather(2, rowIndex).gather(3, columnIndex);
        return cropped.MoveToOuterDisposeScope();
    }

    /// <summary>Mirrors each image left-right with probability <paramref name="probability"/>, drawn per image.</summary>
    public static Tensor RandomHorizontalFlip(Tensor batch, double probability, Generator generator)
    {
        CheckBatch(batch);
        ArgumentNullException.ThrowIfNull(generator);
        CheckProbability(probability);

        using var scope = NewDisposeScope();
        using var threshold = probability.ToScalar();
        var n = batch.shape[0];
        var flip = rand([n], generator: generator).lt(threshold).to(batch.device).view(n, 1, 1, 1);
        var mirrored = where(flip, batch.flip(3), batch);
        return mirrored.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Adds independent N(0, std^2) noise to every value. Not clamped, so it can follow normalisation as well as
    /// precede it.
    /// </summary>
    public static Tensor GaussianNoise(Tensor batch, double std, Generator generator)
    {
        CheckBatch(batch);
        ArgumentNullException.ThrowIfNull(generator);
        if (!(std >= 0) || double.IsInfinity(std))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "The noise std must be a non-negative finite number.");
        }

        using var scope = NewDisposeScope();
        using var scale = std.ToScalar();
        using var one = 1.ToScalar();
        var noise = randn(batch.shape, batch.dtype, generator: generator).to(batch.device);
        var noisy = batch.add(noise.mul_(scale), one);
        return noisy.MoveToOuterDisposeScope();
    }

    private static void CheckBatch(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 4)
        {
            throw new ArgumentException($"Expected a batch [N, C, H, W]; got [{string.Join(", ", batch.shape)}].", nameof(batch));
        }

        if (!batch.is_floating_point())
        {
            throw new ArgumentException($"Expected a floating-point batch; got {batch.dtype}.", nameof(batch));
        }
    }

    private static void CheckProbability(double probability)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability must be in [0, 1].");
        }
    }
}
