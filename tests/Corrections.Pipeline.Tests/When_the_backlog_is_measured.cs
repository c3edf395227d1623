using System.Diagnostics.Metrics;
using Corrections.Pipeline.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Pipeline.Tests;

public class When_the_backlog_is_measured
{
    [Fact]
    public void Should_report_the_last_counts_per_model_on_each_collection()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new PipelineMetrics(services.GetRequiredService<IMeterFactory>());
        var seen = new List<(int Value, object? Model)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "corrections.backlog")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => seen.Add((value, tags.ToArray().Single(t => t.Key == "model").Value)));
        listener.Start();

        metrics.Backlog(new Dictionary<string, int> { ["fashion-mnist"] = 7, ["cifar"] = 2 });
        listener.RecordObservableInstruments();
        metrics.Backlog(new Dictionary<string, int> { ["fashion-mnist"] = 3 });
        listener.RecordObservableInstruments();

        Assert.Equal([(7, (object?)"fashion-mnist"), (2, "cifar"), (3, "fashion-mnist")], seen);
    }
}
