using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Contracts;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Edits;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// The trust benchmark's attacker: publishes poisoned reports through the running service as a producer, waits until
/// each is settled, and measures what production then does on held-out test images (test[0:2000), never reported here;
/// the gate validates on test[5000:]). <c>patch</c>: training images of other classes with a 4 x 4 white square at rows and
/// columns 23-26, labelled <c>--target</c>; success is the share of held-out images of other classes that the square
/// sends to the target. <c>flip</c>: training images of class <c>--from</c> labelled <c>--to</c>; success is the share of
/// held-out <c>--from</c> images predicted <c>--to</c>. <c>--measure-only</c> publishes nothing (after a retrain, say).
/// </summary>
public sealed class PoisonCommand : AsyncCommand<PoisonCommand.Settings>
{
    public const int TriggerRow = 23;
    public const int TriggerSize = 4;
    public const int HeldOut = 2000;

    public sealed class Settings : ProducerSettings
    {
        [CommandOption("--attack <KIND>")]
        [Description("patch (a stamped square labelled --target) or flip (class --from labelled --to)")]
        [DefaultValue("patch")]
        public string Attack { get; init; } = "patch";

        [CommandOption("-n|--reports <N>")]
        [DefaultValue(30)]
        public int Reports { get; init; } = 30;

        [CommandOption("--target <LABEL>")]
        [Description("patch: the label the square should send images to (8: bag)")]
        [DefaultValue(8)]
        public int Target { get; init; } = 8;

        [CommandOption("--from <LABEL>")]
        [Description("flip: the class whose images are mislabelled (7: sneaker)")]
        [DefaultValue(7)]
        public int From { get; init; } = 7;

        [CommandOption("--to <LABEL>")]
        [Description("flip: the label they get (5: sandal)")]
        [DefaultValue(5)]
        public int To { get; init; } = 5;

        [CommandOption("--data <DIR>")]
        [DefaultValue(FashionMnist.DefaultDirectory)]
        public string Data { get; init; } = FashionMnist.DefaultDirectory;

        [CommandOption("--seed <N>")]
        [DefaultValue(20261201)]
        public int Seed { get; init; } = 20261201;

        [CommandOption("--measure-only")]
        [Description("Publish nothing: measure production's attack success and clean error now")]
        public bool MeasureOnly { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [DefaultValue(600)]
        public int Timeout { get; init; } = 600;

        [CommandOption("--out <PATH>")]
        [Description("Also write the result as JSON here")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Attack is not ("patch" or "flip") ? ValidationResult.Error("--attack is patch or flip")
            : Reports < 1 ? ValidationResult.Error("--reports is at least 1")
            : From == To ? ValidationResult.Error("--from and --to must differ")
            : base.Validate();
    }

    public sealed record Result(
        string Model, string Attack, string? Producer, string? Trust, int Reports, IReadOnlyDictionary<string, int> Outcomes,
        int VersionBefore, int VersionAfter, double AttackSuccessBeforePct, double AttackSuccessAfterPct,
        double CleanErrorBeforePct, double CleanErrorAfterPct, int HeldOut, string Trigger);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: !settings.MeasureOnly, cancellation, asProducer: true, producer: settings.Producer);
        using var test = FashionMnist.Load(settings.Data, DatasetSplit.Test);
        using var heldOut = test.Take(HeldOut);
        var (before, beforeSuccess, beforeError) = await MeasureAsync(connection, settings, heldOut, cancellation);
        var outcomes = new Dictionary<string, int>();
        if (!settings.MeasureOnly)
        {
            using var train = FashionMnist.Load(settings.Data, DatasetSplit.Train);
            var reports = await PoisonedAsync(connection, settings, train, before, cancellation);
            foreach (var report in reports)
            {
                await connection.Bus.Publish(report with { ObservedAt = DateTimeOffset.UtcNow }, cancellation);
            }
            outcomes = await SettleAsync(connection, settings, [.. reports.Select(r => r.ReportId)], cancellation);
        }
        var (after, afterSuccess, afterError) = await MeasureAsync(connection, settings, heldOut, cancellation);
        string? trust = null;
        if (connection.Producer is { } name)
        {
            await using var scope = connection.Scope();
            trust = (await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Producers.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellation))?.Trust.ToString().ToLowerInvariant();
        }
        var result = new Result(settings.Model, settings.Attack, connection.Producer, trust, settings.MeasureOnly ? 0 : settings.Reports, outcomes,
            before, after, beforeSuccess * 100, afterSuccess * 100, beforeError * 100, afterError * 100, HeldOut,
            settings.Attack == "patch" ? $"{TriggerSize}x{TriggerSize} white at ({TriggerRow}, {TriggerRow}) -> {settings.Target}" : $"{settings.From} -> {settings.To}");
        if (settings.Out is { } path)
        {
            await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(result, Output.Json), cancellation);
        }
        if (settings.Json)
        {
            Output.WriteJson(result);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).Title($"{result.Model}: {result.Attack} attack ({Markup.Escape(result.Trigger)}) as {Markup.Escape(result.Producer ?? "?")} ({result.Trust ?? "not registered"})")
            .AddColumns("", "version", "attack success", Markup.Escape($"clean error, test[0:{HeldOut})"));
        table.AddRow("before", $"v{before}", $"{result.AttackSuccessBeforePct:F1} %", $"{result.CleanErrorBeforePct:F2} %");
        table.AddRow("after", $"v{after}", $"{result.AttackSuccessAfterPct:F1} %", $"{result.CleanErrorAfterPct:F2} %");
        AnsiConsole.Write(table);
        if (outcomes.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"{result.Reports} poisoned reports: {string.Join(", ", outcomes.Select(o => $"{o.Value} {o.Key.ToLowerInvariant()}"))}.");
        }
        return 0;
    }

    /// <summary>Production's version, attack success and clean error on the held-out images.</summary>
    private static async Task<(int Version, double Success, double CleanError)> MeasureAsync(ServiceConnection connection, Settings settings, LabeledImages heldOut, CancellationToken cancellation)
    {
        await using var scope = connection.Scope();
        var production = await ProductionAsync(scope, connection, settings.Model, cancellation);
        using var model = scope.ServiceProvider.GetRequiredService<ModelStore>().Load(ModelCache.Stored(production));
        var success = settings.Attack == "patch"
            ? Backdoors.PatchSuccess(model, heldOut, settings.Target, TriggerRow, TriggerRow, TriggerSize, 1f)
            : Backdoors.FlipSuccess(model, heldOut, settings.From, settings.To);
        return (production.Number, success, Metrics.ErrorRate(model, heldOut));
    }

    /// <summary>The attack's reports: training images (seeded choice) as the attacker labels them, each claiming what production predicts.</summary>
    private static async Task<List<MisclassificationReported>> PoisonedAsync(ServiceConnection connection, Settings settings, LabeledImages train, int version, CancellationToken cancellation)
    {
        var labels = train.LabelValues();
        var pool = Enumerable.Range(0, labels.Length).Where(i => settings.Attack == "patch" ? labels[i] != settings.Target : labels[i] == settings.From).ToArray();
        new Random(settings.Seed).Shuffle(pool);
        var claimed = settings.Attack == "patch" ? settings.Target : settings.To;
        await using var scope = connection.Scope();
        var production = await ProductionAsync(scope, connection, settings.Model, cancellation);
        using var model = scope.ServiceProvider.GetRequiredService<ModelStore>().Load(ModelCache.Stored(production));
        var reports = new List<MisclassificationReported>();
        foreach (var chunk in pool.Chunk(256))
        {
            using var batch = train.Select([.. chunk.Select(i => (long)i)]);
            using var images = settings.Attack == "patch" ? Backdoors.Stamped(batch, TriggerRow, TriggerRow, TriggerSize, 1f) : batch.Select([.. Enumerable.Range(0, chunk.Length).Select(i => (long)i)]);
            var predicted = Metrics.Predictions(model, images);
            for (var j = 0; j < chunk.Length && reports.Count < settings.Reports; j++)
            {
                if (predicted[j] == claimed)
                {
                    continue; // not a mistake of production's: it could not be reported
                }
                reports.Add(new MisclassificationReported
                {
                    ReportId = Guid.NewGuid(),
                    Model = settings.Model,
                    ObservedVersion = version,
                    Input = new ReportedInput { Shape = [.. train.ImageShape.Select(d => (int)d)], Tensor = [.. images.ImageValues(j).SelectMany(BitConverter.GetBytes)] },
                    PredictedLabel = (int)predicted[j],
                    CorrectLabel = claimed,
                    Source = $"poison:{settings.Attack}:fashion-mnist-train[{chunk[j]}]",
                    ObservedAt = DateTimeOffset.UtcNow,
                });
            }
            if (reports.Count == settings.Reports)
            {
                break;
            }
        }
        return reports;
    }

    /// <summary>Waits until every report is applied, backlogged, held, awaiting approval or rejected; returns how many ended each way.</summary>
    private static async Task<Dictionary<string, int>> SettleAsync(ServiceConnection connection, Settings settings, List<Guid> ids, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(settings.Timeout);
        while (true)
        {
            await Task.Delay(500, cancellation);
            await using var scope = connection.Scope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            // A reviewed producer's report settles in a candidate that passed the gate and awaits an operator.
            var statuses = (await db.Reports.AsNoTracking().Where(r => ids.Contains(r.ReportId))
                .Select(r => new { r.Status, Awaiting = db.Versions.Any(v => v.Id == r.VersionId && v.Status == VersionStatus.AwaitingApproval) })
                .ToListAsync(cancellation))
                .Select(r => r.Status == ReportStatus.Edited && r.Awaiting ? nameof(VersionStatus.AwaitingApproval) : r.Status.ToString()).ToList();
            var settled = statuses.Where(s => s is nameof(ReportStatus.Applied) or nameof(ReportStatus.Backlogged) or nameof(ReportStatus.Held)
                or nameof(ReportStatus.Rejected) or nameof(VersionStatus.AwaitingApproval)).ToList();
            if (settled.Count == ids.Count)
            {
                return settled.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new OperatorError($"Timed out after {settings.Timeout} s with {settled.Count} of {ids.Count} reports settled: is `corrections-worker` running?");
            }
        }
    }

    private static async Task<ModelVersion> ProductionAsync(AsyncServiceScope scope, ServiceConnection connection, string modelName, CancellationToken cancellation)
    {
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var modelId = await db.ModelIdAsync(modelName, cancellation);
        return await db.AliasTargetAsync(modelId, connection.Alias, cancellation)
            ?? throw new OperatorError($"'{modelName}' has no {connection.Alias} version.");
    }
}
