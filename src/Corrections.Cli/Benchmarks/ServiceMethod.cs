using System.Diagnostics;
using System.Globalization;
using Corrections.Cli.Operations;
using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Edits;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Corrections.Cli.Benchmarks;

/// <summary>
/// The running service as a method of the lifelong protocol: each correction is a report published to the broker, and
/// the stream goes on once the worker has settled it (applied, or backlogged); predictions are production's, loaded from
/// the model store whenever the alias moves. Whatever the worker does meanwhile (remembering, the gate, scheduled
/// consolidations) is what is measured. Reports are published at most <see cref="_rate"/> per second; report →
/// effective latency is the report's observation time to the worker's <c>applied_at</c>.
/// </summary>
public sealed class ServiceMethod : ICorrectionMethod
{
    private readonly ServiceConnection _connection;
    private readonly string _model;
    private readonly string _source;
    private readonly double _rate;
    private readonly TimeSpan _timeout;
    private readonly ModelStore _store;
    private readonly Stopwatch _pace = Stopwatch.StartNew();
    private readonly List<double> _latenciesMs = [];
    private TimeSpan _nextPublish = TimeSpan.Zero;
    private (long Id, int Number, StoredVersion Stored, EditableModel Model)? _production;
    private int _backlogged;

    private ServiceMethod(ServiceConnection connection, string model, string source, double rate, int timeoutSeconds)
    {
        (_connection, _model, _source, _rate, _timeout) = (connection, model, source, rate, TimeSpan.FromSeconds(timeoutSeconds));
        using var scope = connection.Scope();
        _store = scope.ServiceProvider.GetRequiredService<ModelStore>();
        Production();
        Settings = new Dictionary<string, string>
        {
            ["model"] = model,
            ["rate_per_second"] = rate.ToString(CultureInfo.InvariantCulture),
            ["through"] = "RabbitMQ, the edit worker, the gate and Postgres (corrections-worker)",
        };
    }

    /// <summary>
    /// Connects to the registry and the broker (CORRECTIONS_* settings) for reports of <paramref name="model"/>, sent as
    /// the producer CORRECTIONS_PRODUCER names (else the broker login).
    /// </summary>
    public static ServiceMethod Open(string model, string shift, double rate, int timeoutSeconds)
    {
        var connection = ServiceConnection.OpenAsync(withBus: true, CancellationToken.None, asProducer: true).GetAwaiter().GetResult();
        return new ServiceMethod(connection, model, $"lifelong:{shift}", rate, timeoutSeconds);
    }

    public string Name => "service";

    public IReadOnlyDictionary<string, string> Settings { get; }

    public void Correct(ReadOnlySpan<float> input, long label)
    {
        var wait = _nextPublish - _pace.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }
        _nextPublish = _pace.Elapsed + TimeSpan.FromSeconds(_rate > 0 ? 1 / _rate : 0);
        var production = Production();
        using var image = tensor(input.ToArray(), [1, .. production.Model.Architecture.InputShape]);
        var report = new MisclassificationReported
        {
            ReportId = Guid.NewGuid(),
            Model = _model,
            ObservedVersion = production.Number,
            Input = new ReportedInput { Shape = [.. production.Model.Architecture.InputShape.Select(d => (int)d)], Tensor = [.. input.ToArray().SelectMany(BitConverter.GetBytes)] },
            PredictedLabel = (int)Predicted(production.Model, image)[0],
            CorrectLabel = (int)label,
            Source = _source,
            ObservedAt = DateTimeOffset.UtcNow,
        };
        _connection.Bus.Publish(report).GetAwaiter().GetResult();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using (var scope = _connection.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                var row = db.Reports.AsNoTracking().Where(r => r.ReportId == report.ReportId).Select(r => new { r.Status, r.AppliedAt }).SingleOrDefault();
                if (row is { Status: ReportStatus.Applied })
                {
                    _latenciesMs.Add((row.AppliedAt!.Value - report.ObservedAt).TotalMilliseconds);
                    Production();
                    return;
                }
                if (row is { Status: ReportStatus.Backlogged or ReportStatus.Rejected })
                {
                    _backlogged++;
                    Production();
                    return;
                }
            }
            if (deadline.Elapsed > _timeout)
            {
                throw new OperatorError($"Report {report.ReportId} for '{_model}' not settled within {_timeout.TotalSeconds:F0} s: is `corrections-worker` running, with '{_model}' under Memory:Models?");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// Production as of the last settled report (or the start): the stream predicts inside dispose scopes, where a model
    /// loaded would be freed with the scope, so models are loaded in <see cref="Correct"/> only.
    /// </summary>
    public long[] Predict(Tensor images) => Predicted((_production ?? throw new InvalidOperationException("No production loaded.")).Model, images);

    /// <summary>Report → effective latency over the stream: applied reports, their share within 5 s, percentiles.</summary>
    public ServiceLatency Latency() => new(
        _latenciesMs.Count,
        _backlogged,
        _latenciesMs.Count == 0 ? double.NaN : 100.0 * _latenciesMs.Count(l => l <= 5000) / (_latenciesMs.Count + _backlogged),
        Metrics.Percentile(_latenciesMs, 50),
        Metrics.Percentile(_latenciesMs, 99),
        _latenciesMs.DefaultIfEmpty(double.NaN).Max(),
        _pace.Elapsed.TotalSeconds);

    public void Dispose()
    {
        _production?.Model.Dispose();
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static long[] Predicted(EditableModel model, Tensor images)
    {
        using var scope = NewDisposeScope();
        return model.Logits(images).argmax(1).cpu().data<long>().ToArray();
    }

    private (long Id, int Number, StoredVersion Stored, EditableModel Model) Production()
    {
        using var scope = _connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var modelId = db.Models.Where(m => m.Name == _model).Select(m => (int?)m.Id).SingleOrDefault()
            ?? throw new OperatorError($"No model named '{_model}' in the registry: register it first (corrections register -m {_model} -f FILE).");
        var version = db.Aliases.AsNoTracking().Where(a => a.ModelId == modelId && a.Name == _connection.Alias).Select(a => a.Version).SingleOrDefault()
            ?? throw new OperatorError($"'{_model}' has no {_connection.Alias} version.");
        if (_production is not { } current || current.Id != version.Id)
        {
            var stored = ModelCache.Stored(version);
            // From the version held, where the new one's chain of deltas reaches it.
            var model = _store.Load(stored, _production is { } held ? (held.Stored, held.Model) : null);
            _production?.Model.Dispose();
            _production = (version.Id, version.Number, stored, model);
        }
        return _production.Value;
    }
}

/// <summary>What the service made of a stream's reports: how many were applied and how fast, and how long it all took.</summary>
public sealed record ServiceLatency(int Applied, int Backlogged, double EffectiveWithin5sPct, double P50Ms, double P99Ms, double MaxMs, double Seconds);
