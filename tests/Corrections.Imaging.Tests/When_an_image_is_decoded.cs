using Corrections.Editing.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Corrections.Imaging.Tests;

public class When_an_image_is_decoded
{
    private static readonly SKColor _orange = new(255, 128, 0);

    [Fact]
    public void Should_decode_a_png_to_rgb_planes_at_the_requested_size()
    {
        using var image = ImageDecoder.Decode(EncodedImages.Png(_orange), 3, 4, 5);

        Assert.Equal([3L, 4, 5], image.shape);
        Assert.Equal(ScalarType.Float32, image.dtype);
        AssertPlane(image, 0, 1f, 0);
        AssertPlane(image, 1, 128 / 255f, 0.001f);
        AssertPlane(image, 2, 0f, 0);
    }

    [Fact]
    public void Should_decode_a_jpeg_to_approximately_its_colours()
    {
        using var image = ImageDecoder.Decode(EncodedImages.Jpeg(_orange, 16, 16), 3, 16, 16);

        Assert.Equal([3L, 16, 16], image.shape);
        AssertPlane(image, 0, 1f, 0.03f);
        AssertPlane(image, 1, 128 / 255f, 0.03f);
        AssertPlane(image, 2, 0f, 0.03f);
    }

    [Fact]
    public void Should_convert_to_grayscale_by_luma()
    {
        using var image = ImageDecoder.Decode(EncodedImages.Png(_orange), 1, 6, 8);

        Assert.Equal([1L, 6, 8], image.shape);
        AssertPlane(image, 0, (0.299f * 1f) + (0.587f * 128 / 255f), 0.001f);
    }

    [Fact]
    public void Should_reject_garbage_bytes()
    {
        byte[] garbage = [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 37))];

        var error = Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(garbage, 3, 8, 8));

        Assert.Contains("neither PNG nor JPEG", error.Message);
    }

    [Fact]
    public void Should_reject_empty_input()
    {
        var error = Assert.Throws<DataFormatException>(() => ImageDecoder.Decode([], 3, 8, 8));

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Should_reject_a_truncated_png()
    {
        var png = EncodedImages.Png(_orange, 64, 64);

        var error = Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(png[..(png.Length / 2)], 3, 8, 8));

        Assert.Contains("Cannot decode", error.Message);
    }

    [Fact]
    public void Should_refuse_an_oversized_image_before_decoding_it()
    {
        var png = EncodedImages.Png(_orange, ImageDecoder.MaxSide + 1, 1);

        var error = Assert.Throws<DataFormatException>(() => ImageDecoder.Decode(png, 3, 8, 8));

        Assert.Contains($"{ImageDecoder.MaxSide + 1} x 1 pixels", error.Message);
    }

    [Fact]
    public void Should_reject_unsupported_channel_counts_and_sizes()
    {
        var png = EncodedImages.Png(_orange);

        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(png, 4, 8, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(png, 3, 0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(png, 3, 8, ImageDecoder.MaxSide + 1));
    }

    private static void AssertPlane(Tensor image, long channel, float expected, float tolerance)
    {
        using var plane = image[channel];
        Assert.All(plane.data<float>().ToArray(), value => Assert.InRange(value, expected - tolerance, expected + tolerance));
    }
}
