using Corrections.Editing.Data;
using static TorchSharp.torch;

namespace Corrections.Imaging;

/// <summary>
/// A labelled image set laid out as one subfolder per class (the torchvision ImageFolder layout, used by hard test
/// sets such as Natural Adversarial Examples / ImageNet-A): directory/class_name/*.png|jpg|jpeg.
/// </summary>
public static class ImageFolder
{
    private static readonly string[] _imageExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// Loads every image, resized to <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/>.
    /// Without <paramref name="classNames"/> the classes are the subfolders sorted by ordinal name; with it, each
    /// subfolder must be one of those names and takes its index there, so labels line up with a model trained on the
    /// full class list even when the folder holds only some of the classes.
    /// </summary>
    /// <exception cref="DataFormatException">
    /// No class folders, an unknown or empty class folder, no images at all, or an undecodable image file.
    /// </exception>
    public static LabeledImages Load(
        string directory, long channels, long height, long width, IReadOnlyList<string>? classNames = null) =>
        Load(directory, channels, height, width, classNames, unreadable: null);

    /// <summary>
    /// As <see cref="Load(string, long, long, long, IReadOnlyList{string}?)"/>, but an image file that cannot be read or
    /// decoded is left out and named in <paramref name="unreadable"/> (<c>path: reason</c>) instead of failing the load:
    /// a hard test set gathered from the wild may hold a few broken files, and the caller decides whether that is fine.
    /// </summary>
    /// <exception cref="DataFormatException">As above, or no image at all could be decoded.</exception>
    public static LabeledImages Load(
        string directory, long channels, long height, long width, IReadOnlyList<string>? classNames, List<string>? unreadable)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Image folder {directory} does not exist.");
        }

        var folders = Directory.GetDirectories(directory).Order(StringComparer.Ordinal).ToArray();
        if (folders.Length == 0)
        {
            throw new DataFormatException($"Image folder {directory} has no class subfolders (expected {directory}/<class>/<image>.png).");
        }

        var names = classNames ?? [.. folders.Select(Path.GetFileName).OfType<string>()];
        var files = new List<(string Path, long Label)>();
        foreach (var folder in folders)
        {
            var label = LabelOf(folder, names, directory);
            var images = ImagesIn(folder);
            if (images.Length == 0)
            {
                throw new DataFormatException($"Class folder {folder} has no images (*.png, *.jpg, *.jpeg).");
            }

            files.AddRange(images.Select(path => (path, label)));
        }

        return Decode(files, names, channels, height, width, directory, unreadable);
    }

    private static long LabelOf(string folder, IReadOnlyList<string> names, string directory)
    {
        var name = Path.GetFileName(folder);
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new DataFormatException(
            $"Image folder {directory}: subfolder '{name}' is not one of the {names.Count} known classes "
            + $"({string.Join(", ", names.Take(10))}{(names.Count > 10 ? ", ..." : string.Empty)}).");
    }

    private static string[] ImagesIn(string folder) =>
        [.. Directory.EnumerateFiles(folder)
            .Where(path => _imageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    private static LabeledImages Decode(
        List<(string Path, long Label)> files, IReadOnlyList<string> names, long channels, long height, long width, string directory, List<string>? unreadable)
    {
        using var scope = NewDisposeScope();

        // Filled image by image so that peak memory is one dataset plus one image, not two datasets.
        var images = empty([files.Count, channels, height, width], ScalarType.Float32);
        var labels = new List<long>(files.Count);
        foreach (var (path, label) in files)
        {
            Tensor image;
            try
            {
                image = DecodeFile(path, channels, height, width);
            }
            catch (Exception e) when (unreadable is not null && e is DataFormatException or IOException or UnauthorizedAccessException)
            {
                unreadable.Add($"{path}: {(e is DataFormatException { InnerException: { } inner } ? inner.Message : e.Message)}");
                continue;
            }
            using (image)
            using (var slot = images[labels.Count])
            {
                slot.copy_(image);
            }
            labels.Add(label);
        }
        if (labels.Count == 0)
        {
            throw new DataFormatException($"Image folder {directory}: none of its {files.Count} image files could be decoded.");
        }

        var kept = labels.Count == files.Count ? images : images.narrow(0, 0, labels.Count).clone();
        return new LabeledImages(kept, tensor(labels.ToArray(), ScalarType.Int64), names, directory);
    }

    private static Tensor DecodeFile(string path, long channels, long height, long width)
    {
        try
        {
            return ImageDecoder.Decode(File.ReadAllBytes(path), channels, height, width);
        }
        catch (DataFormatException e)
        {
            throw new DataFormatException($"Image file {path}: {e.Message}", e);
        }
    }
}
