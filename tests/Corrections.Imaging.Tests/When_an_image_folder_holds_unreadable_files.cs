using Corrections.Editing.Data;
using SkiaSharp;

namespace Corrections.Imaging.Tests;

/// <summary>An NAE-style folder gathered from the wild: good PNGs, a corrupt PNG, an empty file and a note.</summary>
public sealed class When_an_image_folder_holds_unreadable_files : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "corrections-unreadable-" + Guid.NewGuid().ToString("N"));

    public When_an_image_folder_holds_unreadable_files()
    {
        foreach (var (name, colour) in new[] { ("cat", SKColors.Red), ("dog", SKColors.Blue) })
        {
            var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
            File.WriteAllBytes(Path.Combine(folder, "1.png"), EncodedImages.Png(colour));
            File.WriteAllBytes(Path.Combine(folder, "2.png"), EncodedImages.Png(colour));
        }
        File.WriteAllBytes(Path.Combine(_root, "cat", "corrupt.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_root, "dog", "empty.png"), []);
        File.WriteAllText(Path.Combine(_root, "dog", "notes.txt"), "collected on the night shift");
    }

    [Fact]
    public void Should_refuse_the_folder_naming_the_first_unreadable_file()
    {
        var error = Assert.Throws<DataFormatException>(() => ImageFolder.Load(_root, 1, 4, 4));

        Assert.Contains(Path.Combine(_root, "cat", "corrupt.png"), error.Message);
    }

    [Fact]
    public void Should_skip_and_name_every_unreadable_file_when_asked()
    {
        var unreadable = new List<string>();

        using var data = ImageFolder.Load(_root, 1, 4, 4, null, unreadable);

        Assert.Equal(4, data.Count);
        Assert.Equal([0L, 0, 1, 1], data.Labels.data<long>().ToArray());
        Assert.Equal(2, unreadable.Count);
        Assert.Contains(unreadable, u => u.StartsWith(Path.Combine(_root, "cat", "corrupt.png") + ":", StringComparison.Ordinal));
        Assert.Contains(unreadable, u => u.StartsWith(Path.Combine(_root, "dog", "empty.png") + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_refuse_a_folder_with_no_readable_image_even_when_skipping()
    {
        foreach (var good in Directory.GetFiles(_root, "?.png", SearchOption.AllDirectories))
        {
            File.Delete(good);
        }

        Assert.Throws<DataFormatException>(() => ImageFolder.Load(_root, 1, 4, 4, null, []));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
