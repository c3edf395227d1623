using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Data;

public class When_images_are_normalized
{
    [Fact]
    public void Should_subtract_the_mean_and_divide_by_the_std_per_channel()
    {
        var normalization = new Normalization([0.5f, 0.25f], [0.5f, 0.25f]);

        // [N=1, C=2, H=1, W=2]
        using var images = tensor(new float[] { 1f, 0f, 0.75f, 0.25f }, [1, 2, 1, 2]);
        using var normalized = normalization.Apply(images);

        Assert.Equal([1L, 2, 1, 2], normalized.shape);
        Assert.Equal([1f, -1f, 2f, 0f], normalized.data<float>().ToArray());
    }

    [Fact]
    public void Should_normalize_a_single_image_and_leave_the_input_unchanged()
    {
        using var image = full([3, 2, 2], 0.4914f);
        using var normalized = Normalization.Cifar10.Apply(image);

        Assert.Equal([3L, 2, 2], normalized.shape);
        Assert.All(normalized[0].data<float>().ToArray(), value => Assert.Equal(0f, value, 6));
        Assert.All(image.data<float>().ToArray(), value => Assert.Equal(0.4914f, value));
    }

    [Fact]
    public void Should_map_the_fashion_mnist_mean_to_zero()
    {
        using var images = full([2, 1, 3, 3], 0.2860f + 0.3530f);
        using var normalized = Normalization.FashionMnist.Apply(images);

        Assert.All(normalized.data<float>().ToArray(), value => Assert.Equal(1f, value, 5));
    }

    [Fact]
    public void Should_reject_a_channel_count_that_does_not_match()
    {
        using var grayscale = zeros(4, 1, 28, 28);

        var error = Assert.Throws<ArgumentException>(() => Normalization.Cifar10.Apply(grayscale));

        Assert.Contains("3 channel(s) but the images have 1", error.Message);
    }

    [Fact]
    public void Should_reject_a_tensor_that_is_not_an_image()
    {
        using var vector = zeros(3);

        Assert.Throws<ArgumentException>(() => Normalization.Cifar10.Apply(vector));
    }

    [Fact]
    public void Should_reject_mismatched_or_non_positive_statistics()
    {
        Assert.Throws<ArgumentException>(() => new Normalization([0.5f, 0.5f], [0.5f]));
        Assert.Throws<ArgumentException>(() => new Normalization([0.5f], [0f]));
        Assert.Throws<ArgumentException>(() => new Normalization([], []));
    }
}
