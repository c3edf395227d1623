using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Observability;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_the_worker_is_observed(PipelineService pipeline)
{
    [Fact]
    public async Task Should_report_the_registry_the_model_store_and_the_bus_healthy()
    {
        var report = await pipeline.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains("registry", report.Entries.Keys);
        Assert.Contains("model-store", report.Entries.Keys);
        Assert.Contains(report.Entries.Keys, k => k.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_count_reports_by_outcome_and_time_edits_and_validations()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, Tags(tags))));
        listener.Start();

        const string model = "flow-metrics";
        await pipeline.RegisterAsync(model);
        var good = pipeline.Report(model, 110);
        var bad = good with { ReportId = Guid.NewGuid(), CorrectLabel = 42 };
        await pipeline.Bus.Publish(good);
        await pipeline.Bus.Publish(bad);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == good.ReportId && r.Status == ReportStatus.Applied)
            && await db.Reports.AnyAsync(r => r.ReportId == bad.ReportId), "both reports are through");

        Assert.Contains(measurements, m => m.Instrument == "corrections.reports" && Equals(m.Tags["outcome"], "accepted"));
        Assert.Contains(measurements, m => m.Instrument == "corrections.reports" && Equals(m.Tags["outcome"], "rejected") && Equals(m.Tags["code"], "label-out-of-range"));
        Assert.Contains(measurements, m => m.Instrument == "corrections.edit.duration" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "corrections.verdicts" && Equals(m.Tags["result"], "promoted"));
        Assert.Contains(measurements, m => m.Instrument == "corrections.validation.duration" && m.Value > 0);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            copy[key] = value;
        }
        return copy;
    }
}
