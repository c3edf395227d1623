using System.ComponentModel;
using System.Diagnostics;
using Corrections.Cli.Console;
using Corrections.Contracts;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Edits;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// Plays monitoring: finds test inputs that the production version gets wrong, publishes a report for each through the
/// broker at a steady rate, follows them live until each is applied or backlogged, and ends with the outcome, the
/// versions the pipeline made, event → promoted latency and throughput (and a PNG of error over versions).
/// </summary>
public sealed class ReplayCommand : AsyncCommand<ReplayCommand.Settings>
{
    /// <summary>Replay reports mistakes among the test images below this index; the rest stay unseen, for validation and comparisons.</summary>
    public const int ReportedTestImages = 5000;

    public sealed class Settings : ProducerSettings
    {
        [CommandOption("-n|--count <N>")]
        [DefaultValue(100)]
        public int Count { get; init; } = 100;

        [CommandOption("--rate <PER_SECOND>")]
        [Description("Reports published per second; 0 publishes them all at once")]
        [DefaultValue(2.0)]
        public double Rate { get; init; } = 2.0;

        [CommandOption("--data <DIR>")]
        [DefaultValue(FashionMnist.DefaultDirectory)]
        public string Data { get; init; } = FashionMnist.DefaultDirectory;

        [CommandOption("--take-from <N>")]
        [Description("Report mistakes among the first N test images: keep them apart from the validation sets (which skip 5,000)")]
        [DefaultValue(ReportedTestImages)]
        public int TakeFrom { get; init; } = ReportedTestImages;

        [CommandOption("--timeout <SECONDS>")]
        [DefaultValue(600)]
        public int Timeout { get; init; } = 600;

        [CommandOption("--out <STEM>")]
        [Description("Write <STEM>.json and <STEM>.png")]
        public string? Out { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: true, cancellation, asProducer: true, producer: settings.Producer);
        var (reports, fullForwardMs) = await MistakesAsync(connection, settings, cancellation);
        if (reports.Count == 0)
        {
            throw new OperatorError($"Production gets every test image in [0, {settings.TakeFrom}) right: nothing to report.");
        }
        var published = new Dictionary<Guid, DateTimeOffset>();
        var outcomes = new Dictionary<Guid, (ReportStatus Status, DateTimeOffset? AppliedAt)>();
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        await Live(settings.Json, async update =>
        {
            var publishing = Publish(connection, reports, settings.Rate, published, cancellation);
            var deadline = DateTime.UtcNow.AddSeconds(settings.Timeout);
            while (true)
            {
                await Task.Delay(250, cancellation);
                await using var scope = connection.Scope();
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                List<Guid> ids;
                lock (published)
                {
                    ids = [.. published.Keys];
                }
                foreach (var row in await db.Reports.AsNoTracking().Where(r => ids.Contains(r.ReportId)).Select(r => new { r.ReportId, r.Status, r.AppliedAt }).ToListAsync(cancellation))
                {
                    outcomes[row.ReportId] = (row.Status, row.AppliedAt);
                }
                update(ids.Count, reports.Count, outcomes.Values.Count(o => o.Status == ReportStatus.Applied), outcomes.Values.Count(o => o.Status is ReportStatus.Backlogged or ReportStatus.Rejected));
                if (publishing.IsCompleted && outcomes.Values.Count(o => o.Status is ReportStatus.Applied or ReportStatus.Backlogged or ReportStatus.Rejected) == reports.Count)
                {
                    await publishing;
                    return;
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new OperatorError($"Timed out after {settings.Timeout} s with {outcomes.Count} of {reports.Count} reports settled: is `corrections-worker` running?");
                }
            }
        });
        var elapsed = clock.Elapsed;
        await using var final = connection.Scope();
        var summary = await ReplaySummary.BuildAsync(final.ServiceProvider.GetRequiredService<RegistryDbContext>(), settings, published, outcomes, startedAt, elapsed, fullForwardMs, cancellation);
        if (settings.Out is { } stem)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stem))!);
            await File.WriteAllTextAsync(stem + ".json", System.Text.Json.JsonSerializer.Serialize(summary, Output.Json), cancellation);
            ReplaySummary.Plot(summary, stem + ".png");
        }
        if (settings.Json)
        {
            Output.WriteJson(summary);
        }
        else
        {
            ReplaySummary.Print(summary, settings.Out);
        }
        return 0;
    }

    private static async Task<(List<MisclassificationReported> Reports, double FullForwardMs)> MistakesAsync(ServiceConnection connection, Settings settings, CancellationToken cancellation)
    {
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var modelId = await db.ModelIdAsync(settings.Model, cancellation);
        var production = await db.Aliases.AsNoTracking().Where(a => a.ModelId == modelId && a.Name == connection.Alias).Select(a => a.Version).SingleOrDefaultAsync(cancellation)
            ?? throw new OperatorError($"'{settings.Model}' has no {connection.Alias} version.");
        using var model = scope.ServiceProvider.GetRequiredService<ModelStore>().Load(ModelCache.Stored(production));
        using var test = FashionMnist.Load(settings.Data, DatasetSplit.Test);
        using var pool = test.Take(Math.Min(settings.TakeFrom, test.Count));
        // What validating a candidate would cost without cached activations: a full forward pass over the held-out
        // images (the part of the test set reports are not drawn from), timed here for the comparison in the summary.
        using var heldOut = test.Select([.. Enumerable.Range(pool.Count, test.Count - pool.Count).Select(i => (long)i)]);
        var forward = Stopwatch.StartNew();
        Metrics.Predictions(model, heldOut);
        forward.Stop();
        var predicted = Metrics.Predictions(model, pool);
        var labels = pool.LabelValues();
        var reports = new List<MisclassificationReported>();
        for (var i = 0; i < predicted.Length && reports.Count < settings.Count; i++)
        {
            if (predicted[i] == labels[i])
            {
                continue;
            }
            reports.Add(new MisclassificationReported
            {
                ReportId = Guid.NewGuid(),
                Model = settings.Model,
                ObservedVersion = production.Number,
                Input = new ReportedInput { Shape = [.. pool.ImageShape.Select(d => (int)d)], Tensor = [.. pool.ImageValues(i).SelectMany(BitConverter.GetBytes)] },
                PredictedLabel = (int)predicted[i],
                CorrectLabel = (int)labels[i],
                Source = $"replay:fashion-mnist-test[{i}]",
                ObservedAt = DateTimeOffset.UtcNow,
            });
        }
        return (reports, forward.Elapsed.TotalMilliseconds);
    }

    private static async Task Publish(ServiceConnection connection, List<MisclassificationReported> reports, double rate, Dictionary<Guid, DateTimeOffset> published, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < reports.Count; i++)
        {
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellation);
                }
            }
            var report = reports[i] with { ObservedAt = DateTimeOffset.UtcNow };
            lock (published)
            {
                published[report.ReportId] = report.ObservedAt;
            }
            await connection.Bus.Publish(report, cancellation);
        }
    }

    /// <summary>A progress display while reports are in flight; plain lines when the output is JSON or not a terminal.</summary>
    private static async Task Live(bool quiet, Func<Action<int, int, int, int>, Task> work)
    {
        if (quiet)
        {
            await work((_, _, _, _) => { });
            return;
        }
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var sent = progress.AddTask("published");
                var applied = progress.AddTask("applied");
                var backlogged = progress.AddTask("backlogged or rejected");
                await work((p, total, a, b) =>
                {
                    sent.MaxValue = applied.MaxValue = backlogged.MaxValue = total;
                    sent.Value = p;
                    applied.Value = a;
                    backlogged.Value = b;
                });
            });
    }
}
