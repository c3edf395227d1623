using Corrections.Editing.Data;

namespace Corrections.Editing.Tests.Data;

/// <summary>
/// Reads the files the Debian package dataset-fashion-mnist installs (apt-get install -y dataset-fashion-mnist; CI
/// installs it too), guarding the loader against the real data rather than only against generated files.
/// </summary>
public sealed class When_the_real_fashion_mnist_test_set_is_loaded : IDisposable
{
    private readonly LabeledImages _testSet = FashionMnist.Load(FashionMnist.DefaultDirectory, DatasetSplit.Test);

    [Fact]
    public void Should_hold_10000_grayscale_28x28_images()
    {
        Assert.Equal(10_000, _testSet.Count);
        Assert.Equal([10_000L, 1, 28, 28], _testSet.Images.shape);
        Assert.Equal(FashionMnist.ClassNames, _testSet.ClassNames);
    }

    [Fact]
    public void Should_hold_1000_images_per_class()
    {
        var counts = new int[10];
        foreach (var label in _testSet.Labels.data<long>())
        {
            counts[label]++;
        }

        Assert.All(counts, count => Assert.Equal(1000, count));
    }

    [Fact]
    public void Should_keep_pixels_in_the_unit_range_and_use_all_of_it()
    {
        using var min = _testSet.Images.min();
        using var max = _testSet.Images.max();
        using var mean = _testSet.Images.mean();

        Assert.Equal(0f, min.item<float>());
        Assert.Equal(1f, max.item<float>());

        // The published test-set mean is about 0.2868; far from it would mean a scaling or layout bug.
        Assert.InRange(mean.item<float>(), 0.28f, 0.29f);
    }

    public void Dispose() => _testSet.Dispose();
}
