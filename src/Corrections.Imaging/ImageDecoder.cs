using Corrections.Editing.Data;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Imaging;

/// <summary>
/// Turns an encoded PNG or JPEG image into a float32 tensor [C, H, W] in [0, 1],
/// resized to the size a model expects. Used for user-reported misclassifications and hard test sets that arrive as
/// ordinary image files rather than benchmark archives.
/// </summary>
public static class ImageDecoder
{
    /// <summary>The largest width or height accepted, before or after resizing.</summary>
    public const int MaxSide = 4096;

    // ITU-R BT.601 luma weights, the usual RGB-to-grayscale conversion (and the one MNIST-style data was made with).
    private static readonly float[] _lumaWeights = [0.299f, 0.587f, 0.114f];

    /// <param name="encoded">The file's bytes.</param>
    /// <param name="channels">1 for grayscale (luma), 3 for RGB.</param>
    /// <param name="height">Output height in pixels.</param>
    /// <param name="width">Output width in pixels.</param>
    /// <exception cref="DataFormatException">The bytes are empty, not a decodable image, truncated, or too large.</exception>
    public static Tensor Decode(byte[] encoded, long channels, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only 1 (grayscale) or 3 (RGB) channels are supported.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        if (encoded.Length == 0)
        {
            throw new DataFormatException("Cannot decode image: the input is empty (0 bytes).");
        }

        using var rgba = DecodeRgba(encoded);
        if (rgba.Width == width && rgba.Height == height)
        {
            return ToTensor(rgba, channels);
        }

        // Bilinear, without mipmaps: enough for the modest rescaling of photos to model resolution done here.
        using var resized = rgba.Resize(RgbaInfo((int)width, (int)height), new SKSamplingOptions(SKFilterMode.Linear))
            ?? throw new DataFormatException($"Cannot resize image from {rgba.Width} x {rgba.Height} to {width} x {height}.");
        return ToTensor(resized, channels);
    }

    /// <summary>
    /// "png" or "jpeg" by the file's signature, else null: only these two are decoded, whatever else Skia could read
    /// (BMP, GIF, WebP, ICO, …), so the decoders exposed to reports are the two the contract names.
    /// </summary>
    public static string? FormatOf(ReadOnlySpan<byte> encoded) =>
        encoded.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]) ? "png"
        : encoded.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "jpeg"
        : null;

    /// <summary>Width and height from the image's header alone (no pixel is decoded), or null when there is none.</summary>
    public static (int Width, int Height)? Dimensions(byte[] encoded)
    {
        if (FormatOf(encoded) is null)
        {
            return null;
        }
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        return codec is null ? null : (codec.Info.Width, codec.Info.Height);
    }

    private static SKBitmap DecodeRgba(byte[] encoded)
    {
        if (FormatOf(encoded) is null)
        {
            throw new DataFormatException($"Cannot decode image: {encoded.Length} bytes that are neither PNG nor JPEG (only those two are accepted).");
        }
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new DataFormatException($"Cannot decode image: {encoded.Length} bytes in no recognised image format (expected PNG or JPEG).");

        // The codec reads only the header here, so oversized images are refused before any pixel memory is allocated.
        var (sourceWidth, sourceHeight) = (codec.Info.Width, codec.Info.Height);
        if (sourceWidth < 1 || sourceHeight < 1 || sourceWidth > MaxSide || sourceHeight > MaxSide)
        {
            throw new DataFormatException(
                $"Cannot decode image: it is {sourceWidth} x {sourceHeight} pixels; each side must be between 1 and {MaxSide}.");
        }

        var info = RgbaInfo(sourceWidth, sourceHeight);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            var reason = result == SKCodecResult.IncompleteInput ? "the data is truncated" : $"the decoder reported {result}";
            throw new DataFormatException($"Cannot decode {codec.EncodedFormat} image ({sourceWidth} x {sourceHeight}): {reason}.");
        }

        return bitmap;
    }

    // Unpremultiplied, so transparent regions keep their colour instead of turning black; alpha is then dropped.
    private static SKImageInfo RgbaInfo(int width, int height) =>
        new(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);

    private static Tensor ToTensor(SKBitmap bitmap, long channels)
    {
        var (width, height) = (bitmap.Width, bitmap.Height);
        var pixels = new byte[height * width * 4];
        var source = bitmap.GetPixelSpan();
        for (var row = 0; row < height; row++)
        {
            // Rows may be padded in the bitmap; the tensor wants them packed.
            source.Slice(row * bitmap.RowBytes, width * 4).CopyTo(pixels.AsSpan(row * width * 4));
        }

        using var scope = NewDisposeScope();
        // Scalars held for the whole call: a temporary one can be finalised under libtorch (see NativeRuntime).
        using var full = 255.ToScalar();
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        var rgb = tensor(pixels, [height, width, 4], ScalarType.Byte)
            .permute(2, 0, 1)
            .narrow(0, 0, 3)
            .to(ScalarType.Float32)
            .div_(full);
        var image = channels == 1
            ? rgb.mul(tensor(_lumaWeights, [3, 1, 1])).sum(0, keepdim: true).clamp_(zero, one)
            : rgb.contiguous();
        return image.MoveToOuterDisposeScope();
    }
}
