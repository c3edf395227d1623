using Corrections.Editing.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Corrections.Editing.Shifts;

/// <summary>
/// Applies a <see cref="ShiftFamily"/> to raw images [N, C, H, W] in [0, 1]. Deterministic: the same images, family
/// and seed give the same bytes on any machine (every random draw comes from one CPU generator, chunk after chunk).
/// Results are quantised to 1/255, so a shift written as IDX and read back is exactly the shift made in memory.
/// </summary>
public static class ImageShifts
{
    private const int Chunk = 1000;

    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<ShiftFamily>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>.</exception>
    public static ShiftFamily Parse(string name) =>
        Enum.TryParse<ShiftFamily>(name, ignoreCase: true, out var family) && Enum.IsDefined(family)
            ? family
            : throw new ArgumentException($"Unknown shift '{name}'. Known: {string.Join(", ", Names)}.");

    public static string NameOf(ShiftFamily family) => family.ToString().ToLowerInvariant();

    /// <summary>A shifted copy of <paramref name="data"/> with the same labels; the caller disposes it.</summary>
    public static LabeledImages Apply(ShiftFamily family, LabeledImages data, long seed)
    {
        var images = Apply(family, data.Images, seed);
        return new LabeledImages(images, data.Labels.clone(), data.ClassNames, $"{NameOf(family)} shift");
    }

    /// <summary>A shifted copy of <paramref name="images"/>; the caller disposes it.</summary>
    public static Tensor Apply(ShiftFamily family, Tensor images, long seed)
    {
        if (images.dim() != 4 || images.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"Images must be float32 [N, C, H, W], got {images.dtype} [{string.Join(", ", images.shape)}].");
        }
        using var generator = new Generator((ulong)seed);
        // Every Scalar of the shifts is held like these (see NativeRuntime): a temporary one can be freed under libtorch.
        using var pixelMin = 0.ToScalar();
        using var pixelMax = 1.ToScalar();
        using var levels = 255.ToScalar();
        var chunks = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += Chunk)
        {
            using var scope = NewDisposeScope();
            var chunk = images.narrow(0, start, Math.Min(Chunk, images.shape[0] - start));
            var shifted = Shift(family, chunk, generator).clamp(pixelMin, pixelMax).mul(levels).round().div(levels);
            chunks.Add(shifted.MoveToOuterDisposeScope());
        }
        var all = cat(chunks, 0);
        chunks.ForEach(c => c.Dispose());
        return all;
    }

    private static Tensor Shift(ShiftFamily family, Tensor x, Generator generator) => family switch
    {
        ShiftFamily.Fog => Fog(x, generator),
        ShiftFamily.Noise => Noise(x, generator),
        ShiftFamily.Rotation => Rotate(x, generator),
        ShiftFamily.Occlusion => Occlude(x, generator),
        ShiftFamily.Blur => Blur(x, generator),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
    };

    /// <summary>One value per image, uniform in [low, high), shaped [N, 1, 1, 1] to broadcast over pixels.</summary>
    private static Tensor Uniform(long n, double low, double high, Generator generator)
    {
        using var spread = (high - low).ToScalar();
        using var lowest = low.ToScalar();
        using var one = 1.ToScalar();
        return rand([n, 1, 1, 1], generator: generator).mul(spread).add(lowest, one);
    }

    private static Tensor Noise(Tensor x, Generator generator)
    {
        using var one = 1.ToScalar();
        return x.add(randn(x.shape, generator: generator) * Uniform(x.shape[0], 0.25, 0.4, generator), one);
    }

    private static Tensor Fog(Tensor x, Generator generator)
    {
        using var one = 1.ToScalar();
        var (n, h) = (x.shape[0], x.shape[2]);
        var contrast = Uniform(n, 0.2, 0.4, generator);
        var level = Uniform(n, 0.35, 0.55, generator);
        var slope = Uniform(n, -0.3, 0.3, generator);
        var rows = linspace(-0.5, 0.5, h).view(1, 1, h, 1);
        // 1 - contrast as the operator computes it (-contrast + 1), its Scalars held.
        var clear = contrast.negative().add(one, one);
        return (x * contrast).add(clear * level.add(slope * rows, one), one);
    }

    private static Tensor Rotate(Tensor x, Generator generator)
    {
        using var one = 1.ToScalar();
        using var two = 2.ToScalar();
        using var fairCoin = 0.5.ToScalar();
        using var degreeSpread = 25.ToScalar();
        using var degreeMin = 20.ToScalar();
        using var radiansPerDegree = (Math.PI / 180).ToScalar();
        var n = x.shape[0];
        var magnitude = rand([n], generator: generator).mul(degreeSpread).add(degreeMin, one);
        var sign = rand([n], generator: generator).lt(fairCoin).to(ScalarType.Float32).mul(two).sub(one);
        var radians = (magnitude * sign).mul(radiansPerDegree);
        var (cos, sin) = (radians.cos(), radians.sin());
        var zero = zeros(n);
        var theta = stack([stack([cos, -sin, zero], 1), stack([sin, cos, zero], 1)], 1);
        var grid = F.affine_grid(theta, x.shape, align_corners: false);
        return F.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    private static Tensor Occlude(Tensor x, Generator generator)
    {
        var (n, h, w) = (x.shape[0], x.shape[2], x.shape[3]);
        // A side of 40 % of the image, placed anywhere in the middle band: it always covers part of the object.
        var side = (long)Math.Round(0.4 * Math.Min(h, w));
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        using var height = h.ToScalar();
        using var width = w.ToScalar();
        using var sideLength = side.ToScalar();
        using var gray = 0.5.ToScalar();
        var top = randint(h / 6, h - side - h / 6 + 1, [n], generator: generator).view(n, 1, 1, 1);
        var left = randint(w / 6, w - side - w / 6 + 1, [n], generator: generator).view(n, 1, 1, 1);
        var rows = arange(zero, height, one).view(1, 1, h, 1);
        var columns = arange(zero, width, one).view(1, 1, 1, w);
        var inside = rows.ge(top).logical_and(rows.lt(top.add(sideLength, one))).logical_and(columns.ge(left)).logical_and(columns.lt(left.add(sideLength, one)));
        return where(inside, full_like(x, gray), x);
    }

    private static Tensor Blur(Tensor x, Generator generator)
    {
        // Three strengths, chosen per image: one convolution each instead of one per image.
        double[] sigmas = [1.0, 1.4, 1.8];
        var choice = randint(0, sigmas.Length, [x.shape[0]], generator: generator).view(-1, 1, 1, 1);
        var result = x.clone();
        for (var s = 0; s < sigmas.Length; s++)
        {
            var blurred = GaussianBlur(x, sigmas[s]);
            using var strength = s.ToScalar();
            result = where(choice.eq(strength), blurred, result);
        }
        return result;
    }

    private static Tensor GaussianBlur(Tensor x, double sigma)
    {
        const int radius = 3;
        using var first = (-radius).ToScalar();
        using var end = (radius + 1).ToScalar();
        using var one = 1.ToScalar();
        using var twiceVariance = (2 * sigma * sigma).ToScalar();
        var offsets = arange(first, end, one, ScalarType.Float32);
        var kernel = (-(offsets * offsets)).div(twiceVariance).exp();
        kernel = kernel / kernel.sum();
        var channels = x.shape[1];
        var horizontal = kernel.view(1, 1, 1, -1).expand(channels, 1, 1, 2 * radius + 1).contiguous();
        var vertical = kernel.view(1, 1, -1, 1).expand(channels, 1, 2 * radius + 1, 1).contiguous();
        var padded = F.pad(x, [radius, radius, radius, radius], TorchSharp.PaddingModes.Replicate);
        var rows = F.conv2d(padded, horizontal, groups: channels);
        return F.conv2d(rows, vertical, groups: channels);
    }
}
