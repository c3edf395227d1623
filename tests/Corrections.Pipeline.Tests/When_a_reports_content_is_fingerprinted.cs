using Corrections.Contracts;
using Corrections.Pipeline.Ingest;

namespace Corrections.Pipeline.Tests;

/// <summary>The fingerprint that tells a retry (same bytes) from a second report under a used id (<c>id-reused</c>).</summary>
public class When_a_reports_content_is_fingerprinted
{
    private static readonly MisclassificationReported Report = new()
    {
        ReportId = Guid.Parse("7f1c2a4e-0000-4000-8000-000000000001"),
        Model = "fashion-mnist",
        ObservedVersion = 3,
        Input = new ReportedInput { Shape = [1, 2, 2], Tensor = [.. new[] { 0f, 0.25f, 0.5f, 1f }.SelectMany(BitConverter.GetBytes)] },
        PredictedLabel = 6,
        CorrectLabel = 2,
        Source = "unit-test",
        ObservedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
        Confidence = 0.8f,
    };

    [Fact]
    public void Should_be_the_same_for_a_retry_of_the_same_report()
    {
        var copy = Report with { Input = new ReportedInput { Shape = [.. Report.Input.Shape!], Tensor = [.. Report.Input.Tensor!] } };

        Assert.Equal(ReportContent.Hash(Report, "monitor"), ReportContent.Hash(copy, "monitor"));
        // The same instant in another offset is the same observation.
        Assert.Equal(ReportContent.Hash(Report, "monitor"), ReportContent.Hash(Report with { ObservedAt = Report.ObservedAt.ToOffset(TimeSpan.FromHours(2)) }, "monitor"));
    }

    [Fact]
    public void Should_differ_when_anything_the_report_says_or_who_sent_it_differs()
    {
        var pixels = Report.Input.Tensor!.ToArray();
        pixels[^1] ^= 1;
        var variants = new Dictionary<string, (MisclassificationReported Report, string? Producer)>
        {
            ["producer"] = (Report, "someone-else"),
            ["anonymous"] = (Report, null),
            ["model"] = (Report with { Model = "fashion-mnist-2" }, "monitor"),
            ["observed version"] = (Report with { ObservedVersion = 4 }, "monitor"),
            ["no observed version"] = (Report with { ObservedVersion = null }, "monitor"),
            ["predicted label"] = (Report with { PredictedLabel = 7 }, "monitor"),
            ["correct label"] = (Report with { CorrectLabel = 3 }, "monitor"),
            ["source"] = (Report with { Source = "unit-test-2" }, "monitor"),
            ["observed at"] = (Report with { ObservedAt = Report.ObservedAt.AddTicks(1) }, "monitor"),
            ["confidence"] = (Report with { Confidence = 0.81f }, "monitor"),
            ["shape"] = (Report with { Input = Report.Input with { Shape = [1, 4, 1] } }, "monitor"),
            ["one pixel bit"] = (Report with { Input = Report.Input with { Tensor = pixels } }, "monitor"),
            ["image instead of tensor"] = (Report with { Input = new ReportedInput { EncodedImage = Report.Input.Tensor } }, "monitor"),
        };
        var original = ReportContent.Hash(Report, "monitor");

        foreach (var (what, (report, producer)) in variants)
        {
            Assert.False(original.AsSpan().SequenceEqual(ReportContent.Hash(report, producer)), $"{what}: same fingerprint");
        }
    }
}
