using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Data;

public class When_a_labeled_image_set_is_built
{
    private static readonly string[] _threeClasses = ["a", "b", "c"];

    [Fact]
    public void Should_expose_count_shape_and_classes()
    {
        using var data = Build(5);

        Assert.Equal(5, data.Count);
        Assert.Equal([2L, 3, 4], data.ImageShape);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(_threeClasses, data.ClassNames);
    }

    [Fact]
    public void Should_take_a_copy_of_the_first_examples()
    {
        using var data = Build(5);

        using var first = data.Take(2);
        first.Images.zero_();

        Assert.Equal(2, first.Count);
        Assert.Equal([0L, 1], first.Labels.data<long>().ToArray());
        using var original = data.Images.sum();
        Assert.NotEqual(0f, original.item<float>());
    }

    [Fact]
    public void Should_select_and_batch_the_requested_examples_in_order()
    {
        using var data = Build(5);

        using var selected = data.Select([3, 0, 3]);
        var (images, labels) = data.Batch([3, 2]);
        using var batchImages = images;
        using var batchLabels = labels;

        Assert.Equal([1L, 0, 1], selected.Labels.data<long>().ToArray());
        Assert.Equal([2L, 2, 3, 4], batchImages.shape);
        Assert.Equal([1L, 0], batchLabels.data<long>().ToArray());
        using var expected = data.Images[3];
        Assert.Equal(expected.data<float>().ToArray(), batchImages[0].data<float>().ToArray());
    }

    [Fact]
    public void Should_reject_an_index_outside_the_set()
    {
        using var data = Build(5);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => data.Batch([0, 5]));

        Assert.Contains("Index 5 at position 1", error.Message);
    }

    [Fact]
    public void Should_reject_a_label_outside_the_classes()
    {
        using var images = zeros(2, 1, 2, 2);
        using var labels = tensor(new long[] { 0, 3 });

        var error = Assert.Throws<DataFormatException>(() => new LabeledImages(images, labels, _threeClasses, "unit test"));

        Assert.Contains("unit test: label 3 is out of range [0, 3)", error.Message);
    }

    [Fact]
    public void Should_reject_images_and_labels_of_different_lengths()
    {
        using var images = zeros(3, 1, 2, 2);
        using var labels = tensor(new long[] { 0, 1 });

        var error = Assert.Throws<DataFormatException>(() => new LabeledImages(images, labels, _threeClasses));

        Assert.Contains("3 images but 2 labels", error.Message);
    }

    [Fact]
    public void Should_reject_images_that_are_not_float_nchw()
    {
        using var images = zeros(3, 2, 2);
        using var labels = tensor(new long[] { 0, 1, 2 });

        var error = Assert.Throws<DataFormatException>(() => new LabeledImages(images, labels, _threeClasses));

        Assert.Contains("float32 tensor [N, C, H, W]", error.Message);
    }

    // Images [count, 2, 3, 4] with distinct values; labels cycle 0, 1, 0, 1, ...
    private static LabeledImages Build(int count) => new(
        arange(count * 24, ScalarType.Float32).reshape(count, 2, 3, 4),
        tensor(Enumerable.Range(0, count).Select(i => (long)(i % 2)).ToArray()),
        _threeClasses);
}
