using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Corrections.Editing.Tests;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Gate;
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
        Assert.Contains(PipelineService.HeldOutSet, report.Entries["validation-sets"].Data.Keys);
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

    [Fact]
    public async Task Should_refuse_to_start_on_a_validation_set_it_cannot_load_and_backlog_nothing()
    {
        const string model = "flow-broken-set";
        await pipeline.RegisterAsync(model);
        using var folder = new TemporaryDirectory();
        var cat = Directory.CreateDirectory(Path.Combine(folder.Path, "t-shirt")).FullName;
        File.WriteAllBytes(Path.Combine(cat, "corrupt.png"), [0x89, 0x50, 0x4E, 0x47, 1]);
        await using var registry = pipeline.Registry();
        var backlogBefore = await registry.Reports.CountAsync(r => r.Status == ReportStatus.Backlogged);
        await using var worker = pipeline.BuildWorker("worker-broken-set", new Dictionary<string, string?>
        {
            // After the fixture's own sets (0–4), so none of their settings merge into this one.
            ["Validation:Sets:5:Name"] = "nae-style",
            ["Validation:Sets:5:Format"] = "image-folder",
            ["Validation:Sets:5:Path"] = folder.Path,
        });

        var error = await Assert.ThrowsAsync<ValidationSetUnusableException>(() => worker.StartAsync());

        Assert.Contains("'nae-style'", error.Message);
        Assert.Contains(Path.Combine(cat, "corrupt.png"), error.Message);
        Assert.Equal(backlogBefore, await registry.Reports.CountAsync(r => r.Status == ReportStatus.Backlogged));
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
