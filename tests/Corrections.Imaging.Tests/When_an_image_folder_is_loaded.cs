using Corrections.Editing.Data;
using SkiaSharp;

namespace Corrections.Imaging.Tests;

/// <summary>A generated class-per-subfolder tree: cats in red, dogs in blue, three images each.</summary>
public sealed class When_an_image_folder_is_loaded : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "corrections-imaging-" + Guid.NewGuid().ToString("N"));

    public When_an_image_folder_is_loaded()
    {
        WriteClass("dog", SKColors.Blue);
        WriteClass("cat", SKColors.Red);
    }

    [Fact]
    public void Should_label_images_by_their_folder_in_ordinal_order()
    {
        using var data = ImageFolder.Load(_root, 3, 4, 4);

        Assert.Equal(["cat", "dog"], data.ClassNames);
        Assert.Equal([2L * 3, 3, 4, 4], data.Images.shape);
        Assert.Equal([0L, 0, 0, 1, 1, 1], data.Labels.data<long>().ToArray());
        using var firstRed = data.Images[0, 0].mean();
        using var firstBlue = data.Images[3, 2].mean();
        Assert.Equal(1f, firstRed.item<float>(), 3);
        Assert.Equal(1f, firstBlue.item<float>(), 3);
    }

    [Fact]
    public void Should_use_the_indices_of_given_class_names()
    {
        using var data = ImageFolder.Load(_root, 1, 4, 4, ["bird", "dog", "fish", "cat"]);

        Assert.Equal(4, data.ClassCount);
        Assert.Equal([3L, 3, 3, 1, 1, 1], data.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Should_reject_a_folder_that_is_not_a_known_class()
    {
        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_root, 3, 4, 4, ["cat", "bird"]));

        Assert.Contains("subfolder 'dog' is not one of the 2 known classes (cat, bird)", error.Message);
    }

    [Fact]
    public void Should_name_an_undecodable_file()
    {
        var broken = Path.Combine(_root, "cat", "broken.JPG");
        File.WriteAllText(broken, "this is not a jpeg");

        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_root, 3, 4, 4));

        Assert.Contains(broken, error.Message);
        Assert.Contains("neither PNG nor JPEG", error.Message);
    }

    [Fact]
    public void Should_reject_a_class_folder_without_images()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "emu")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no pictures here");

        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_root, 3, 4, 4));

        Assert.Contains($"{empty} has no images", error.Message);
    }

    [Fact]
    public void Should_reject_a_directory_without_class_folders()
    {
        var bare = Directory.CreateDirectory(Path.Combine(_root, "cat", "nothing-below")).FullName;

        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Load(bare, 3, 4, 4));

        Assert.Contains("has no class subfolders", error.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void WriteClass(string name, SKColor colour)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        File.WriteAllBytes(Path.Combine(folder, "1.png"), EncodedImages.Png(colour));
        File.WriteAllBytes(Path.Combine(folder, "2.PNG"), EncodedImages.Png(colour, 12, 12));
        File.WriteAllBytes(Path.Combine(folder, "3.jpeg"), EncodedImages.Jpeg(colour));
    }
}
