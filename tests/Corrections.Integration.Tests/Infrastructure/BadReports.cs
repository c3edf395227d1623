using Corrections.Contracts;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>Each class of malformed report ingest must refuse, keyed by the reason code it must give, made from a good report.</summary>
public static class BadReports
{
    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    private static byte[] Image(int count, float value) => Floats([.. Enumerable.Repeat(value, count)]);

    private static MisclassificationReported WithTensor(MisclassificationReported good, Func<float[], float[]> change)
    {
        var values = good.Input.Tensor!.Chunk(4).Select(b => BitConverter.ToSingle(b)).ToArray();
        return good with { Input = good.Input with { Tensor = Floats(change(values)) } };
    }

    public static IReadOnlyDictionary<string, Func<MisclassificationReported, MisclassificationReported>> All { get; } =
        new Dictionary<string, Func<MisclassificationReported, MisclassificationReported>>
        {
            ["missing-report-id"] = r => r with { ReportId = Guid.Empty },
            ["invalid-model-name"] = r => r with { Model = "../../etc/passwd" },
            ["unknown-model"] = r => r with { Model = "no-such-model" },
            ["invalid-source"] = r => r with { Source = "" },
            ["invalid-timestamp"] = r => r with { ObservedAt = DateTimeOffset.UtcNow.AddYears(1) },
            ["invalid-version"] = r => r with { ObservedVersion = 0 },
            ["invalid-confidence"] = r => r with { Confidence = 1.5f },
            ["label-out-of-range"] = r => r with { CorrectLabel = 10 },
            ["not-a-misclassification"] = r => r with { PredictedLabel = r.CorrectLabel },
            ["missing-input"] = r => r with { Input = new ReportedInput() },
            ["ambiguous-input"] = r => r with { Input = r.Input with { EncodedImage = [0x89, 0x50, 0x4e, 0x47] } },
            ["missing-shape"] = r => r with { Input = r.Input with { Shape = null } },
            ["shape-mismatch"] = r => r with { Input = new ReportedInput { Shape = [3, 28, 28], Tensor = Image(3 * 28 * 28, 0.5f) } },
            ["payload-length"] = r => r with { Input = r.Input with { Tensor = Image(28 * 27, 0.5f) } },
            ["non-finite"] = r => WithTensor(r, v => { v[100] = float.NaN; return v; }),
            ["out-of-range"] = r => WithTensor(r, v => { v[5] = 2.5f; return v; }),
            ["too-large"] = r => r with { Input = new ReportedInput { Shape = [1, 28, 28], Tensor = new byte[5 * 1024 * 1024] } },
            ["image-unsupported"] = r => r with { Input = new ReportedInput { EncodedImage = [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 7))] } },
            // A PNG signature and header, then nothing: the decoder is reached and refuses it.
            ["undecodable-image"] = r => r with { Input = new ReportedInput { EncodedImage = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52] } },
        };
}
