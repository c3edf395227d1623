using Corrections.Integration.Tests.Infrastructure;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_reports_are_repeated_or_malformed(PipelineService pipeline)
{
    [Fact]
    public async Task Should_apply_a_report_sent_several_times_exactly_once()
    {
        const string model = "flow-duplicate";
        await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, 20);

        for (var i = 0; i < 3; i++)
        {
            await pipeline.Bus.Publish(report);
        }
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the report is applied");
        // A late redelivery, then a sentinel behind it: once the sentinel is through, so is the duplicate.
        await pipeline.Bus.Publish(report);
        var sentinel = pipeline.Report(model, 21);
        await pipeline.Bus.Publish(sentinel);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == sentinel.ReportId && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)), "the sentinel is through");

        await using var registry = pipeline.Registry();
        Assert.Equal(1, await registry.Reports.CountAsync(r => r.ReportId == report.ReportId));
        Assert.Equal(1, await registry.Edits.CountAsync(e => e.ReportId == report.ReportId));
        Assert.Equal(ReportStatus.Applied, await registry.Reports.Where(r => r.ReportId == report.ReportId).Select(r => r.Status).SingleAsync());
    }

    [Fact]
    public async Task Should_reject_each_kind_of_bad_report_with_a_reason_and_keep_working()
    {
        const string model = "flow-bad-input";
        await pipeline.RegisterAsync(model);
        var good = pipeline.Report(model, 30);
        var bad = BadReports.All.ToDictionary(kind => kind.Key, kind => kind.Value(good with { ReportId = Guid.NewGuid() }));

        foreach (var report in bad.Values)
        {
            await pipeline.Bus.Publish(report);
        }
        var image = pipeline.ReportAsPng(model, 31);
        await pipeline.Bus.Publish(good);
        await pipeline.Bus.Publish(image);

        var ids = bad.Values.Select(r => r.ReportId).Where(id => id != Guid.Empty).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Rejected) == ids.Count, "every bad report is rejected");
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => (r.ReportId == good.ReportId || r.ReportId == image.ReportId) && r.Status == ReportStatus.Applied) == 2,
            "the good reports, tensor and PNG, are applied after the bad ones");

        await using var registry = pipeline.Registry();
        foreach (var (kind, report) in bad.Where(b => b.Value.ReportId != Guid.Empty))
        {
            var row = await registry.Reports.SingleAsync(r => r.ReportId == report.ReportId);
            Assert.StartsWith(kind + ":", row.RejectionReason);
            Assert.Null(row.VersionId);
        }
        Assert.True(await registry.Reports.AnyAsync(r => r.Status == ReportStatus.Rejected && r.RejectionReason!.StartsWith("missing-report-id:")));
        Assert.Equal(0, await registry.Edits.CountAsync(e => ids.Contains(e.ReportId)));

        // Each bad message itself sits in the ingest _error queue, and a ReportRejected event went out for it.
        var errors = await BrokerQueues.DrainAsync(pipeline.RabbitSettings, "misclassification-reported_error");
        foreach (var id in ids)
        {
            Assert.Contains(errors, body => body.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase));
        }
        await pipeline.WaitUntilAsync(_ => Task.FromResult(ids.All(pipeline.Rejections.Events.ContainsKey)), "a ReportRejected event arrives for each", 10);
    }

    [Theory]
    [InlineData(1, "application/vnd.masstransit+json", "{ this is not json")]
    [InlineData(2, "application/vnd.masstransit+json", "{\"message\": {\"reportId\": 12}, \"messageType\": [\"urn:message:Corrections.Contracts:MisclassificationReported\"]}")]
    [InlineData(3, "application/octet-stream", "\u0000\u0001binary")]
    public async Task Should_dead_letter_a_message_that_is_not_a_report_and_keep_working(int @case, string contentType, string body)
    {
        var model = $"flow-garbage-{@case}";
        await pipeline.RegisterAsync(model);
        // Straight onto the exchange MassTransit publishes reports to, bypassing its serializer, as a broken producer would.
        await BrokerQueues.PublishRawAsync(pipeline.RabbitSettings, "Corrections.Contracts:MisclassificationReported", System.Text.Encoding.UTF8.GetBytes(body), contentType);

        // The worker lives on: a good report behind the garbage is applied.
        var good = pipeline.Report(model, 120 + @case);
        await pipeline.Bus.Publish(good);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == good.ReportId && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)),
            "the good report behind the garbage is through");
        // MassTransit could not read it as a report, so the message itself sits in the ingest _error queue.
        var errors = await BrokerQueues.DrainAsync(pipeline.RabbitSettings, "misclassification-reported_error");
        Assert.Contains(errors, e => e.Contains(body[^6..], StringComparison.Ordinal));
    }
}
