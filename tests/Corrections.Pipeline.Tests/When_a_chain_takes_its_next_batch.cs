using Corrections.Pipeline.Edits;
using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Tests;

public class When_a_chain_takes_its_next_batch
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static Report Fresh() => new() { ReportId = Guid.NewGuid(), ModelName = "m", Source = "s" };

    private static Report SentBack()
    {
        var report = Fresh();
        report.MarkEdited(3, At);
        report.SendBackAlone(At);
        return report;
    }

    [Theory]
    [InlineData(null, 0, 32)]
    [InlineData(VersionStatus.Rejected, 28, 14)]
    [InlineData(VersionStatus.Rejected, 1, 1)]
    [InlineData(VersionStatus.Accepted, 7, 14)]
    [InlineData(VersionStatus.Accepted, 20, 32)]
    [InlineData(VersionStatus.Accepted, 0, 1)]
    public void Should_halve_after_a_rejection_and_double_after_a_promotion(VersionStatus? last, int reports, int expected)
    {
        Assert.Equal(expected, ChainBatches.Size(last, reports, 32));
    }

    [Fact]
    public void Should_take_a_report_sent_back_alone_by_itself()
    {
        var alone = SentBack();
        var reports = new List<Report> { alone, Fresh(), Fresh() };

        ChainBatches.TakeInTurn(reports);

        Assert.Equal([alone], reports);
    }

    [Fact]
    public void Should_take_the_fresh_reports_queued_before_the_next_sent_back_one()
    {
        var (first, second) = (Fresh(), Fresh());
        var reports = new List<Report> { first, second, SentBack(), Fresh() };

        ChainBatches.TakeInTurn(reports);

        Assert.Equal([first, second], reports);
    }
}
