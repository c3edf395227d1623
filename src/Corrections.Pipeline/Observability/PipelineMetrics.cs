using System.Diagnostics.Metrics;

namespace Corrections.Pipeline.Observability;

/// <summary>
/// The pipeline's own instruments (meter <c>Corrections.Pipeline</c>), exported by the worker through OpenTelemetry:
/// reports in by outcome, edit and validation latency, verdicts, backlog growth and retraining duration.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "Corrections.Pipeline";

    private readonly Counter<long> _reports;
    private readonly Histogram<double> _editLatency;
    private readonly Histogram<double> _validationLatency;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _backlogged;
    private readonly Histogram<double> _retraining;
    private readonly Counter<long> _retrainingRuns;
    private readonly Counter<long> _resilience;
    private volatile IReadOnlyDictionary<string, int> _backlog = new Dictionary<string, int>();

    public PipelineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reports = meter.CreateCounter<long>("corrections.reports", description: "Reports received, by outcome (accepted, deferred, duplicate, rejected) and rejection code");
        _editLatency = meter.CreateHistogram<double>("corrections.edit.duration", "ms", "Editing one batch into a candidate, lock to commit");
        _validationLatency = meter.CreateHistogram<double>("corrections.validation.duration", "ms", "Measuring a candidate on the validation sets");
        _verdicts = meter.CreateCounter<long>("corrections.verdicts", description: "Gate verdicts by kind (edit, retrain) and result (promoted, rejected)");
        _backlogged = meter.CreateCounter<long>("corrections.backlogged", description: "Corrections sent to the retraining backlog, by cause");
        _retraining = meter.CreateHistogram<double>("corrections.retraining.duration", "s", "Retraining runs, training only");
        _retrainingRuns = meter.CreateCounter<long>("corrections.retraining.runs",
            description: "Runs of the retraining job, by model, trigger (cron, hand) and outcome (trained, nothing, not-yet, not-again, missed, refused: running elsewhere, no such model or no production version)");
        meter.CreateObservableGauge("corrections.backlog",
            () => _backlog.Select(b => new Measurement<int>(b.Value, new KeyValuePair<string, object?>("model", b.Key))),
            description: "Corrections waiting for retraining, per model (refreshed every 30 s)");
        _resilience = meter.CreateCounter<long>("corrections.resilience.events", description: "Retries, opened and closed circuits, and timeouts, by dependency");
    }

    public void Report(string outcome, string? code = null) =>
        _reports.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("code", code ?? ""));

    public void Edited(double milliseconds) => _editLatency.Record(milliseconds);

    public void Validated(string kind, bool promoted, double milliseconds)
    {
        _validationLatency.Record(milliseconds);
        _verdicts.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", promoted ? "promoted" : "rejected"));
    }

    public void Backlogged(string cause, int count)
    {
        if (count > 0)
        {
            _backlogged.Add(count, new KeyValuePair<string, object?>("cause", cause));
        }
    }

    public void Retrained(double seconds) => _retraining.Record(seconds);

    public void RetrainingRan(string model, bool byHand, string outcome) =>
        _retrainingRuns.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("trigger", byHand ? "hand" : "cron"),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void Backlog(IReadOnlyDictionary<string, int> perModel) => _backlog = perModel;

    public void Resilience(string dependency, string kind) =>
        _resilience.Add(1, new KeyValuePair<string, object?>("dependency", dependency), new KeyValuePair<string, object?>("event", kind));
}
