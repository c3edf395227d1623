using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Data;

public class When_batches_are_augmented
{
    public static TheoryData<string> Augmentations => ["crop", "flip", "noise"];

    [Theory]
    [MemberData(nameof(Augmentations))]
    public void Should_give_the_same_batch_for_the_same_seed(string name)
    {
        using var batch = Batch();

        var first = Run(name, batch, seed: 7);
        var second = Run(name, batch, seed: 7);

        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(Augmentations))]
    public void Should_give_a_different_batch_for_another_seed(string name)
    {
        using var batch = Batch();

        Assert.NotEqual(Run(name, batch, seed: 7), Run(name, batch, seed: 8));
    }

    [Theory]
    [MemberData(nameof(Augmentations))]
    public void Should_preserve_the_shape(string name)
    {
        using var batch = Batch();
        using var generator = new Generator(1);

        using var augmented = Apply(name, batch, generator);

        Assert.Equal(batch.shape, augmented.shape);
        Assert.Equal(ScalarType.Float32, augmented.dtype);
    }

    [Fact]
    public void Should_mirror_every_image_when_the_flip_probability_is_one()
    {
        using var batch = Batch();
        using var generator = new Generator(3);

        using var flipped = Augmentation.RandomHorizontalFlip(batch, 1.0, generator);
        using var expected = batch.flip(3);

        Assert.Equal(expected.data<float>().ToArray(), flipped.data<float>().ToArray());
    }

    [Fact]
    public void Should_leave_every_image_when_the_flip_probability_is_zero()
    {
        using var batch = Batch();
        using var generator = new Generator(3);

        using var same = Augmentation.RandomHorizontalFlip(batch, 0.0, generator);

        Assert.Equal(batch.data<float>().ToArray(), same.data<float>().ToArray());
    }

    [Fact]
    public void Should_crop_each_image_as_a_window_of_its_zero_padded_self()
    {
        const int padding = 2;
        using var scope = NewDisposeScope();
        using var batch = Batch();
        using var generator = new Generator(11);

        using var cropped = Augmentation.RandomCrop(batch, padding, generator);
        using var padded = nn.functional.pad(batch, [padding, padding, padding, padding]);

        var (h, w) = (batch.shape[2], batch.shape[3]);
        var offsets = new HashSet<(long, long)>();
        for (var n = 0; n < batch.shape[0]; n++)
        {
            using var actual = cropped[n];
            var match = Windows(padding).First(offset =>
            {
                using var window = padded[n].narrow(1, offset.Top, h).narrow(2, offset.Left, w);
                return window.data<float>().ToArray().SequenceEqual(actual.data<float>().ToArray());
            });
            offsets.Add(match);
        }

        // 16 images, 25 possible offsets: several distinct ones show that the offset is drawn per image.
        Assert.True(offsets.Count > 3, $"only {offsets.Count} distinct crop offsets");
    }

    [Fact]
    public void Should_add_noise_with_the_requested_spread()
    {
        using var batch = zeros(64, 3, 16, 16);
        using var generator = new Generator(5);

        using var noisy = Augmentation.GaussianNoise(batch, 0.1, generator);
        using var std = noisy.std();
        using var mean = noisy.mean();

        Assert.InRange(std.item<float>(), 0.095f, 0.105f);
        Assert.InRange(mean.item<float>(), -0.005f, 0.005f);
    }

    [Fact]
    public void Should_reject_a_batch_that_is_not_nchw()
    {
        using var image = zeros(3, 8, 8);
        using var generator = new Generator(1);

        Assert.Throws<ArgumentException>(() => Augmentation.RandomCrop(image, 2, generator));
        Assert.Throws<ArgumentException>(() => Augmentation.RandomHorizontalFlip(image, 0.5, generator));
        Assert.Throws<ArgumentException>(() => Augmentation.GaussianNoise(image, 0.1, generator));
    }

    // Distinct values everywhere, so that any two different crops or flips give different tensors.
    private static Tensor Batch() => arange(16 * 3 * 8 * 8, ScalarType.Float32).reshape(16, 3, 8, 8).div_(16 * 3 * 8 * 8);

    private static Tensor Apply(string name, Tensor batch, Generator generator) => name switch
    {
        "crop" => Augmentation.RandomCrop(batch, 4, generator),
        "flip" => Augmentation.RandomHorizontalFlip(batch, 0.5, generator),
        "noise" => Augmentation.GaussianNoise(batch, 0.1, generator),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown augmentation"),
    };

    private static float[] Run(string name, Tensor batch, ulong seed)
    {
        using var generator = new Generator(seed);
        using var augmented = Apply(name, batch, generator);
        return augmented.data<float>().ToArray();
    }

    private static IEnumerable<(long Top, long Left)> Windows(int padding) =>
        from top in Enumerable.Range(0, (2 * padding) + 1)
        from left in Enumerable.Range(0, (2 * padding) + 1)
        select ((long)top, (long)left);
}
