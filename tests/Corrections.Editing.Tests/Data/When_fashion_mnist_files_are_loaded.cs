using Corrections.Editing.Data;

namespace Corrections.Editing.Tests.Data;

/// <summary>Small generated IDX files in the Fashion-MNIST layout, each breaking one expectation.</summary>
public sealed class When_fashion_mnist_files_are_loaded : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Theory]
    [InlineData(".gz")]
    [InlineData("")]
    public void Should_scale_pixels_to_the_unit_range_in_nchw_layout(string extension)
    {
        IdxBytes.Write(_directory.File("t10k-images-idx3-ubyte" + extension), IdxBytes.Images(3, 4, 5));
        IdxBytes.Write(_directory.File("t10k-labels-idx1-ubyte" + extension), IdxBytes.Labels(9, 0, 4));

        using var data = FashionMnist.Load(_directory.Path, DatasetSplit.Test);

        Assert.Equal([3, 1, 4, 5], data.Images.shape);
        Assert.Equal([1L, 4, 5], data.ImageShape);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i / 255f), data.Images.data<float>().ToArray());
        Assert.Equal([9L, 0, 4], data.Labels.data<long>().ToArray());
        Assert.Equal(10, data.ClassCount);
        Assert.Equal("Ankle boot", data.ClassNames[9]);
    }

    [Fact]
    public void Should_read_the_train_files_for_the_train_split()
    {
        IdxBytes.Write(_directory.File("train-images-idx3-ubyte.gz"), IdxBytes.Images(2, 2, 2));
        IdxBytes.Write(_directory.File("train-labels-idx1-ubyte.gz"), IdxBytes.Labels(1, 2));

        using var data = FashionMnist.Load(_directory.Path, DatasetSplit.Train);

        Assert.Equal(2, data.Count);
    }

    [Fact]
    public void Should_reject_different_image_and_label_counts()
    {
        IdxBytes.Write(_directory.File("t10k-images-idx3-ubyte.gz"), IdxBytes.Images(3, 2, 2));
        IdxBytes.Write(_directory.File("t10k-labels-idx1-ubyte.gz"), IdxBytes.Labels(1, 2));

        var error = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_directory.Path, DatasetSplit.Test));

        Assert.Contains("shape mismatch", error.Message);
        Assert.Contains("3 images", error.Message);
        Assert.Contains("2 labels", error.Message);
    }

    [Fact]
    public void Should_reject_a_label_out_of_range()
    {
        IdxBytes.Write(_directory.File("t10k-images-idx3-ubyte.gz"), IdxBytes.Images(2, 2, 2));
        IdxBytes.Write(_directory.File("t10k-labels-idx1-ubyte.gz"), IdxBytes.Labels(3, 10));

        var error = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_directory.Path, DatasetSplit.Test));

        Assert.Contains("label 10 at index 1 is out of range [0, 10)", error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", error.Message);
    }

    [Fact]
    public void Should_reject_images_without_the_image_dimensions()
    {
        IdxBytes.Write(_directory.File("t10k-images-idx3-ubyte.gz"), IdxBytes.Labels(1, 2));
        IdxBytes.Write(_directory.File("t10k-labels-idx1-ubyte.gz"), IdxBytes.Labels(1, 2));

        var error = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_directory.Path, DatasetSplit.Test));

        Assert.Contains("has 1 dimensions; expected 3", error.Message);
    }

    [Fact]
    public void Should_name_the_missing_file()
    {
        IdxBytes.Write(_directory.File("t10k-images-idx3-ubyte.gz"), IdxBytes.Images(2, 2, 2));

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_directory.Path, DatasetSplit.Test));

        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
    }

    public void Dispose() => _directory.Dispose();
}
