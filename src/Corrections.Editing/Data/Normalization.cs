using static TorchSharp.torch;

namespace Corrections.Editing.Data;

/// <summary>
/// Per-channel standardisation (x - mean) / std, applied to batches rather than stored datasets so that the
/// datasets stay in [0, 1] and one copy serves models trained with different statistics.
/// </summary>
public sealed record Normalization
{
    public Normalization(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw new ArgumentException(
                $"Mean and std need one value per channel and the same length; got {mean.Length} and {std.Length}.", nameof(std));
        }

        if (std.Any(value => !(value > 0) || float.IsInfinity(value)))
        {
            throw new ArgumentException($"Every std must be a positive finite number; got [{string.Join(", ", std)}].", nameof(std));
        }

        Mean = (float[])mean.Clone();
        Std = (float[])std.Clone();
    }

    /// <summary>Fashion-MNIST training-set statistics (one grayscale channel).</summary>
    public static Normalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>CIFAR-10 training-set statistics (red, green, blue).</summary>
    public static Normalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    public float[] Mean { get; }

    public float[] Std { get; }

    public int ChannelCount => Mean.Length;

    /// <summary>
    /// A new tensor (x - mean) / std for images [N, C, H, W] or a single image [C, H, W], C = <see cref="ChannelCount"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The channel count or rank does not match.</exception>
    public Tensor Apply(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);

        // Checked here because a broadcasting mismatch inside libtorch can take the whole process down.
        if (images.dim() is not (3 or 4))
        {
            throw new ArgumentException(
                $"Expected images [N, C, H, W] or [C, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        var channels = images.shape[^3];
        if (channels != ChannelCount)
        {
            throw new ArgumentException(
                $"This normalisation has {ChannelCount} channel(s) but the images have {channels} ([{string.Join(", ", images.shape)}]).",
                nameof(images));
        }

        using var mean = tensor(Mean, [ChannelCount, 1, 1]).to(images.device);
        using var std = tensor(Std, [ChannelCount, 1, 1]).to(images.device);
        return images.sub(mean).div_(std);
    }
}
