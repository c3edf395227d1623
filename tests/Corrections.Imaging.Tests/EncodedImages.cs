using SkiaSharp;

namespace Corrections.Imaging.Tests;

/// <summary>Encodes small solid-colour images with SkiaSharp, as a camera or a browser upload would deliver them.</summary>
public static class EncodedImages
{
    public static byte[] Solid(SKColor colour, int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(colour);
        using var data = bitmap.Encode(format, quality: 95);
        return data.ToArray();
    }

    public static byte[] Png(SKColor colour, int width = 8, int height = 6) =>
        Solid(colour, width, height, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(SKColor colour, int width = 8, int height = 6) =>
        Solid(colour, width, height, SKEncodedImageFormat.Jpeg);
}
