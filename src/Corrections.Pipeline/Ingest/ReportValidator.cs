using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Corrections.Contracts;
using Corrections.Editing.Data;
using Corrections.Imaging;

namespace Corrections.Pipeline.Ingest;

/// <summary>
/// Every check a report passes before any tensor operation touches it: TorchSharp aborts the whole process on some
/// native errors, so a malformed report must be refused here, in managed code, with a reason.
/// </summary>
public static partial class ReportValidator
{
    public const int MaxSourceLength = 128;

    /// <summary>Checks the fields that need no knowledge of the model; the model name among them.</summary>
    public static void ValidateEnvelope(MisclassificationReported report, DateTimeOffset now)
    {
        if (report.ReportId == Guid.Empty)
        {
            throw new InvalidReportException("missing-report-id", "ReportId is empty; producers must set a unique id (it is the idempotency key).");
        }
        if (string.IsNullOrEmpty(report.Model) || !ModelName().IsMatch(report.Model))
        {
            throw new InvalidReportException("invalid-model-name", $"Model name '{Shorten(report.Model)}' is not a model name: 1-64 of a-z, 0-9, '.', '_', '-'.");
        }
        if (string.IsNullOrWhiteSpace(report.Source) || report.Source.Length > MaxSourceLength)
        {
            throw new InvalidReportException("invalid-source", $"Source must name the producer in 1-{MaxSourceLength} characters.");
        }
        if (report.ObservedAt == default || report.ObservedAt > now.AddDays(1))
        {
            throw new InvalidReportException("invalid-timestamp", $"ObservedAt {report.ObservedAt:O} is unset or in the future.");
        }
        if (report.ObservedVersion is < 1)
        {
            throw new InvalidReportException("invalid-version", $"ObservedVersion {report.ObservedVersion} is not a version number (they start at 1).");
        }
        if (report.Confidence is { } confidence && !(confidence >= 0 && confidence <= 1))
        {
            throw new InvalidReportException("invalid-confidence", $"Confidence {confidence} is not a probability in [0, 1].");
        }
    }

    /// <summary>The most pixels a reported image may have (2048 x 2048): its decoded RGBA copy stays within 16 MiB.</summary>
    public const int MaxImagePixels = 2048 * 2048;

    /// <summary>Checks labels and input against the model and returns the decoded input.</summary>
    public static ValidatedInput Validate(MisclassificationReported report, ModelInputSpec model, int maxInputBytes)
    {
        if (report.CorrectLabel < 0 || report.CorrectLabel >= model.ClassCount)
        {
            throw new InvalidReportException("label-out-of-range", $"CorrectLabel {report.CorrectLabel} is outside [0, {model.ClassCount}) for model '{report.Model}'.");
        }
        if (report.PredictedLabel < 0 || report.PredictedLabel >= model.ClassCount)
        {
            throw new InvalidReportException("label-out-of-range", $"PredictedLabel {report.PredictedLabel} is outside [0, {model.ClassCount}) for model '{report.Model}'.");
        }
        if (report.PredictedLabel == report.CorrectLabel)
        {
            throw new InvalidReportException("not-a-misclassification", $"PredictedLabel and CorrectLabel are both {report.CorrectLabel}: there is nothing to correct.");
        }
        return ValidateInput(report.Input, model, maxInputBytes);
    }

    /// <summary>Checks one input (a report's, or one to predict on) against the model and returns it decoded.</summary>
    public static ValidatedInput ValidateInput(ReportedInput? input, ModelInputSpec model, int maxInputBytes)
    {
        if (input is null)
        {
            throw new InvalidReportException("missing-input", "Input is missing.");
        }
        return (input.Tensor, input.EncodedImage) switch
        {
            (not null, not null) => throw new InvalidReportException("ambiguous-input", "Input has both a tensor and an encoded image; send exactly one."),
            (null, null) => throw new InvalidReportException("missing-input", "Input has neither a tensor nor an encoded image."),
            (not null, null) => ValidateTensor(input, model, maxInputBytes),
            _ => ValidateImage(input.EncodedImage!, model, maxInputBytes),
        };
    }

    private static ValidatedInput ValidateTensor(ReportedInput input, ModelInputSpec model, int maxInputBytes)
    {
        var payload = input.Tensor!;
        if (payload.Length > maxInputBytes)
        {
            throw new InvalidReportException("too-large", $"Tensor payload is {payload.Length} bytes; the limit is {maxInputBytes}.");
        }
        var shape = input.Shape ?? throw new InvalidReportException("missing-shape", "A tensor input needs its Shape.");
        var expected = model.InputShape;
        var fits = shape.SequenceEqual(expected) || (shape.Length == expected.Length + 1 && shape[0] == 1 && shape.Skip(1).SequenceEqual(expected));
        if (!fits)
        {
            throw new InvalidReportException("shape-mismatch", $"Input shape [{string.Join(", ", shape)}] does not fit the model's [{string.Join(", ", expected)}] (or [1, ...]).");
        }
        if (payload.Length != model.ElementCount * sizeof(float))
        {
            throw new InvalidReportException("payload-length", $"Tensor payload is {payload.Length} bytes; shape [{string.Join(", ", shape)}] needs {model.ElementCount * sizeof(float)} (float32).");
        }
        var values = new float[model.ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(payload.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(value))
            {
                throw new InvalidReportException("non-finite", $"Tensor value {i} is {value}; inputs must be finite.");
            }
            if (value is < 0 or > 1)
            {
                throw new InvalidReportException("out-of-range", $"Tensor value {i} is {value}; inputs are raw intensities in [0, 1], before normalisation.");
            }
            values[i] = value;
        }
        return new ValidatedInput(values, "tensor");
    }

    private static ValidatedInput ValidateImage(byte[] encoded, ModelInputSpec model, int maxInputBytes)
    {
        if (encoded.Length > maxInputBytes)
        {
            throw new InvalidReportException("too-large", $"Encoded image is {encoded.Length} bytes; the limit is {maxInputBytes}.");
        }
        if (model.Channels is not (1 or 3))
        {
            throw new InvalidReportException("image-unsupported", $"Model '{model}' takes {model.Channels} channels; images can only feed 1- or 3-channel models.");
        }
        if (ImageDecoder.FormatOf(encoded) is null)
        {
            throw new InvalidReportException("image-unsupported", $"The encoded image ({encoded.Length} bytes) is neither PNG nor JPEG; only those two are decoded.");
        }
        if (ImageDecoder.Dimensions(encoded) is var (width, height) && (long)width * height > MaxImagePixels)
        {
            throw new InvalidReportException("too-many-pixels", $"The image is {width} x {height} pixels; a report's image may have at most {MaxImagePixels:N0} (2048 x 2048).");
        }
        try
        {
            using var image = ImageDecoder.Decode(encoded, model.Channels, model.Height, model.Width);
            return new ValidatedInput(image.contiguous().data<float>().ToArray(), "image");
        }
        catch (DataFormatException e)
        {
            throw new InvalidReportException("undecodable-image", e.Message);
        }
    }

    private static string Shorten(string? value) => value is null ? "(null)" : value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex ModelName();
}
