using Corrections.Contracts;
using Corrections.Pipeline.Ingest;
using SkiaSharp;

namespace Corrections.Pipeline.Tests;

public class When_a_report_is_checked
{
    private static readonly ModelInputSpec FashionMnist = new([1, 28, 28], 10);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private const int MaxBytes = 64 * 1024;

    private static byte[] Floats(int count, float value) => [.. Enumerable.Repeat(value, count).SelectMany(BitConverter.GetBytes)];

    private static MisclassificationReported Good() => new()
    {
        ReportId = Guid.NewGuid(),
        Model = "fashion-mnist",
        ObservedVersion = 3,
        Input = new ReportedInput { Shape = [1, 28, 28], Tensor = Floats(784, 0.25f) },
        PredictedLabel = 6,
        CorrectLabel = 2,
        Source = "unit-test",
        ObservedAt = Now.AddMinutes(-1),
        Confidence = 0.8f,
    };

    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(128, 128, 128));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A valid 1 x 1 24-bit BMP, which Skia would decode and the contract does not allow.</summary>
    private static byte[] Bmp()
    {
        var bmp = new byte[58];
        "BM"u8.CopyTo(bmp);
        BitConverter.GetBytes(58).CopyTo(bmp, 2);
        BitConverter.GetBytes(54).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(1).CopyTo(bmp, 18);
        BitConverter.GetBytes(1).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)1).CopyTo(bmp, 26);
        BitConverter.GetBytes((short)24).CopyTo(bmp, 28);
        BitConverter.GetBytes(4).CopyTo(bmp, 34);
        bmp[54] = bmp[55] = bmp[56] = 128;
        return bmp;
    }

    private static byte[] WithValue(int index, float value)
    {
        var bytes = Floats(784, 0.5f);
        BitConverter.GetBytes(value).CopyTo(bytes, index * 4);
        return bytes;
    }

    public static TheoryData<string, MisclassificationReported> Bad()
    {
        var good = Good();
        return new TheoryData<string, MisclassificationReported>
        {
            { "missing-report-id", good with { ReportId = Guid.Empty } },
            { "invalid-model-name", good with { Model = "../models/x" } },
            { "invalid-model-name", good with { Model = "Fashion MNIST" } },
            { "invalid-model-name", good with { Model = "" } },
            { "invalid-source", good with { Source = " " } },
            { "invalid-source", good with { Source = new string('s', 129) } },
            { "invalid-timestamp", good with { ObservedAt = default } },
            { "invalid-timestamp", good with { ObservedAt = Now.AddDays(2) } },
            { "invalid-version", good with { ObservedVersion = 0 } },
            { "invalid-confidence", good with { Confidence = 1.01f } },
            { "invalid-confidence", good with { Confidence = float.NaN } },
            { "label-out-of-range", good with { CorrectLabel = 10 } },
            { "label-out-of-range", good with { CorrectLabel = -1 } },
            { "label-out-of-range", good with { PredictedLabel = 12 } },
            { "not-a-misclassification", good with { PredictedLabel = 2 } },
            { "missing-input", good with { Input = new ReportedInput() } },
            { "ambiguous-input", good with { Input = good.Input with { EncodedImage = Png(28, 28) } } },
            { "missing-shape", good with { Input = good.Input with { Shape = null } } },
            { "shape-mismatch", good with { Input = new ReportedInput { Shape = [28, 28], Tensor = Floats(784, 0.5f) } } },
            { "shape-mismatch", good with { Input = new ReportedInput { Shape = [2, 1, 28, 28], Tensor = Floats(1568, 0.5f) } } },
            { "payload-length", good with { Input = good.Input with { Tensor = Floats(783, 0.5f) } } },
            { "payload-length", good with { Input = good.Input with { Tensor = [.. Floats(784, 0.5f), 0] } } },
            { "non-finite", good with { Input = good.Input with { Tensor = WithValue(17, float.NaN) } } },
            { "non-finite", good with { Input = good.Input with { Tensor = WithValue(783, float.NegativeInfinity) } } },
            { "out-of-range", good with { Input = good.Input with { Tensor = WithValue(0, -0.01f) } } },
            { "out-of-range", good with { Input = good.Input with { Tensor = WithValue(5, 255f) } } },
            { "too-large", good with { Input = good.Input with { Tensor = new byte[MaxBytes + 4] } } },
            { "too-large", good with { Input = new ReportedInput { EncodedImage = new byte[MaxBytes + 1] } } },
            { "image-unsupported", good with { Input = new ReportedInput { EncodedImage = [1, 2, 3, 4, 5] } } },
            { "image-unsupported", good with { Input = new ReportedInput { EncodedImage = Bmp() } } },
            { "too-many-pixels", good with { Input = new ReportedInput { EncodedImage = Png(2049, 2048) } } },
            { "undecodable-image", good with { Input = new ReportedInput { EncodedImage = Png(28, 28)[..40] } } },
            { "undecodable-image", good with { Input = new ReportedInput { EncodedImage = Png(5000, 1) } } },
        };
    }

    private static ValidatedInput Check(MisclassificationReported report)
    {
        ReportValidator.ValidateEnvelope(report, Now);
        return ReportValidator.Validate(report, FashionMnist, MaxBytes);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void Should_refuse_a_malformed_report_with_its_reason_code(string code, MisclassificationReported report)
    {
        var error = Assert.Throws<InvalidReportException>(() => Check(report));

        Assert.Equal(code, error.Code);
        Assert.StartsWith(code + ": ", error.Reason);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Should_accept_a_tensor_and_return_its_values()
    {
        var input = Check(Good());

        Assert.Equal("tensor", input.Format);
        Assert.Equal(784, input.Values.Length);
        Assert.All(input.Values, v => Assert.Equal(0.25f, v));
        Assert.Equal(Good().Input.Tensor, input.ToBytes());
    }

    [Fact]
    public void Should_accept_a_batch_of_one_shape()
    {
        var report = Good() with { Input = new ReportedInput { Shape = [1, 1, 28, 28], Tensor = Floats(784, 1f) } };

        Assert.Equal(784, Check(report).Values.Length);
    }

    [Fact]
    public void Should_decode_and_resize_an_image_to_the_models_input()
    {
        var input = Check(Good() with { Input = new ReportedInput { EncodedImage = Png(56, 40) } });

        Assert.Equal("image", input.Format);
        Assert.Equal(784, input.Values.Length);
        Assert.All(input.Values, v => Assert.InRange(v, 0.49f, 0.52f));
    }

    [Fact]
    public void Should_refuse_an_image_for_a_model_that_does_not_take_images()
    {
        var twoChannels = new ModelInputSpec([2, 28, 28], 10);
        var report = Good() with { Input = new ReportedInput { EncodedImage = Png(28, 28) } };

        var error = Assert.Throws<InvalidReportException>(() => ReportValidator.Validate(report, twoChannels, MaxBytes));

        Assert.Equal("image-unsupported", error.Code);
    }
}
