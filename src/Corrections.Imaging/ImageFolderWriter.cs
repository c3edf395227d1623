using System.Globalization;
using Corrections.Editing.Data;
using SkiaSharp;

namespace Corrections.Imaging;

/// <summary>
/// Writes a labelled set in the layout <see cref="ImageFolder"/> reads: one PNG per image under a folder per class.
/// Folder names start with the label's index, zero-padded ("3-Dress"), so that sorted by name they come in label order
/// and a reader that takes classes from the folder names gets the model's labels.
/// </summary>
public static class ImageFolderWriter
{
    /// <summary>Writes the first <paramref name="limit"/> images (all when null); returns how many were written.</summary>
    public static int Write(string directory, LabeledImages data, int? limit = null)
    {
        if (data.ImageShape[0] is not (1 or 3))
        {
            throw new ArgumentException($"Only grayscale or RGB images can be written as PNG, got [{string.Join(", ", data.ImageShape)}].");
        }
        var count = Math.Min(limit ?? data.Count, data.Count);
        var folders = FolderNames(data.ClassNames);
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(Path.Combine(directory, folder));
        }
        var labels = data.LabelValues();
        var (channels, height, width) = ((int)data.ImageShape[0], (int)data.ImageShape[1], (int)data.ImageShape[2]);
        for (var i = 0; i < count; i++)
        {
            var values = data.ImageValues(i);
            using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            var pixels = new byte[width * height * 4];
            for (var p = 0; p < width * height; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    pixels[4 * p + c] = ToByte(values[(channels == 1 ? 0 : c) * width * height + p]);
                }
                pixels[4 * p + 3] = 255;
            }
            for (var row = 0; row < height; row++)
            {
                // Rows may be padded in the bitmap.
                System.Runtime.InteropServices.Marshal.Copy(pixels, row * width * 4, bitmap.GetPixels() + row * bitmap.RowBytes, width * 4);
            }
            using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(directory, folders[(int)labels[i]], $"{i:D6}.png"), encoded.ToArray());
        }
        return count;
    }

    /// <summary>The folder of each class: its zero-padded index and its name with path separators replaced.</summary>
    public static IReadOnlyList<string> FolderNames(IReadOnlyList<string> classNames)
    {
        var digits = Math.Max(1, (classNames.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
        return classNames.Select((name, i) => $"{i.ToString("D" + digits, CultureInfo.InvariantCulture)}-{string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == '\\' ? '-' : c))}").ToArray();
    }

    // Pixels are stored in [0, 1]; the generator's are multiples of 1/255, so rounding gives them back exactly.
    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255), 0, 255);
}
