using System.ComponentModel;
using Corrections.Cli.Console;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Edits;
using Corrections.Editing.Correcting;
using Corrections.Pipeline.Retraining;
using Corrections.Pipeline.Scheduling;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Corrections.Cli.Operations;

/// <summary>
/// Folds the corrections back in now. By default it asks the scheduler cluster for a run (the scheduled job, on
/// whichever worker node takes it, under the same lock as the cron's); with <c>--here</c> it retrains in this process
/// (see <see cref="RetrainingRun"/>) and announces the result itself. Either way it waits for the gate's verdict and
/// compares start, production and retrained on the full test set, with the share of folded corrections that hold.
/// </summary>
public sealed class RetrainCommand : AsyncCommand<RetrainCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {

        [CommandOption("--here")]
        [Description("Retrain in this process instead of on a worker node's scheduler (shows training progress)")]
        public bool Here { get; init; }

        [CommandOption("--scheduled")]
        [Description("Trigger nothing: wait for a retrain the model's schedule runs (e.g. once Retraining:Schedules' MinCorrections wait), then compare")]
        public bool Scheduled { get; init; }

        [CommandOption("--since <TIME>")]
        [Description("With --scheduled: take the first scheduled retrain registered at or after this time (ISO 8601; default: now)")]
        public DateTimeOffset? Since { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("How long to wait for the run, and then for the gate's verdict")]
        [DefaultValue(1800)]
        public int Timeout { get; init; } = 1800;

        [CommandOption("--test <DIR>")]
        [Description("Fashion-MNIST directory for the before/after comparison")]
        [DefaultValue(FashionMnist.DefaultDirectory)]
        public string Test { get; init; } = FashionMnist.DefaultDirectory;

        [CommandOption("--held-out-from <INDEX>")]
        [Description("Test images from this index on were never reported (replay reports from the first 5,000): the error that counts is measured on them")]
        [DefaultValue(ReplayCommand.ReportedTestImages)]
        public int HeldOutFrom { get; init; } = ReplayCommand.ReportedTestImages;

        [CommandOption("--baseline <FILE>")]
        [Description("Also measure this model file, e.g. the start trained as long without the corrections")]
        public string? Baseline { get; init; }

        [CommandOption("--out <PATH>")]
        [Description("Also write the result as JSON here")]
        public string? Out { get; init; }
    }

    /// <summary>
    /// Errors are on the held-out test images (never reported, so never trained on); the full-set errors include the
    /// reported images that the retrain was trained on, and flatter it.
    /// </summary>
    public sealed record Result(
        string Model, int? Version, string Verdict, string? Reason, int StartVersion, int ProductionVersion, int Corrections, double TrainSeconds,
        int HeldOutFrom, int HeldOutCount, double StartErrorPct, double ProductionErrorPct, double? RetrainedErrorPct, double? BaselineErrorPct,
        double StartFullErrorPct, double ProductionFullErrorPct, double? RetrainedFullErrorPct, double? BaselineFullErrorPct,
        double ProductionHeldPct, double? RetrainedHeldPct, int AppliedBefore, double RetrainedAppliedHeldPct, string? Baseline, string? Note);

    public override ValidationResult Validate(CommandContext context, Settings settings) =>
        settings.Scheduled && settings.Here ? ValidationResult.Error("--scheduled waits for a worker's scheduled run; --here runs one in this process: choose one.")
        : settings.Since is not null && !settings.Scheduled ? ValidationResult.Error("--since goes with --scheduled.")
        : base.Validate(context, settings);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        await using var connection = await ServiceConnection.OpenAsync(withBus: settings.Here, cancellation, withRetrainingTrigger: !settings.Here);
        var outcome = settings.Here ? await RunHereAsync(connection, settings, cancellation) : await TriggerAsync(connection, settings, cancellation);
        var (status, reason) = await VerdictAsync(connection, settings, outcome.Version!.Value, cancellation);
        var result = await CompareAsync(connection, settings, outcome, status, reason, cancellation);
        if (settings.Out is { } path)
        {
            await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(result, Output.Json), cancellation);
        }
        if (settings.Json)
        {
            Output.WriteJson(result);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).Title($"{result.Model}: retrain v{result.Version} {result.Verdict}")
            .AddColumns("", "version", Markup.Escape($"error on test[{result.HeldOutFrom}:] (held out)"), "error on all of test", "corrections holding");
        table.AddRow("start (trained)", $"v{result.StartVersion}", $"{result.StartErrorPct:F2} %", $"{result.StartFullErrorPct:F2} %", "");
        table.AddRow("production before", $"v{result.ProductionVersion}", $"{result.ProductionErrorPct:F2} %", $"{result.ProductionFullErrorPct:F2} %", $"{result.ProductionHeldPct:F1} %");
        table.AddRow("retrained", $"v{result.Version}", $"{result.RetrainedErrorPct:F2} %", $"{result.RetrainedFullErrorPct:F2} %",
            result.RetrainedHeldPct is { } h ? $"{h:F1} % ({result.RetrainedAppliedHeldPct:F1} % of the {result.AppliedBefore} applied before)" : "");
        if (result.Baseline is { } baseline)
        {
            table.AddRow("baseline", Path.GetFileName(baseline), $"{result.BaselineErrorPct:F2} %", $"{result.BaselineFullErrorPct:F2} %", "");
        }
        AnsiConsole.Write(table);
        var took = settings.Here ? $"{result.TrainSeconds:F0} s of training"
            : settings.Scheduled ? $"{result.TrainSeconds:F0} s from {settings.Since?.ToString("u") ?? "the command's start"} to the registered version"
            : $"{result.TrainSeconds:F0} s from the trigger to the registered version";
        AnsiConsole.MarkupLineInterpolated($"{result.Corrections} corrections folded in, {took}. {result.Reason ?? ""} {result.Note ?? ""}");
        return 0;
    }

    private static async Task<RetrainOutcome> RunHereAsync(ServiceConnection connection, Settings settings, CancellationToken cancellation)
    {
        await using var scope = connection.Scope();
        var run = scope.ServiceProvider.GetRequiredService<RetrainingRun>();
        RetrainOutcome? done = null;
        // The progress view drives a synchronous callback; the run's database work is awaited inside it.
        TrainingProgressView.Run("retrain", settings.Json, progress =>
            done = run.RunAsync(settings.Model, connection.Operator, progress, cancellation).GetAwaiter().GetResult());
        if (done!.Version is null)
        {
            throw new OperatorError(done.Note ?? "Nothing was retrained.");
        }
        await connection.Bus.Publish(run.Announcement(done), cancellation);
        return done;
    }

    /// <summary>Fires the model's retraining job on the scheduler cluster and waits for the version that run registers.</summary>
    private static async Task<RetrainOutcome> TriggerAsync(ServiceConnection connection, Settings settings, CancellationToken cancellation)
    {
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var modelId = await db.ModelIdAsync(settings.Model, cancellation);
        var (unfolded, _) = await scope.ServiceProvider.GetRequiredService<RetrainingRun>().WaitingAsync(settings.Model, cancellation);
        if (unfolded == 0 && !settings.Scheduled)
        {
            throw new OperatorError($"Nothing to fold into '{settings.Model}': no correction it may fold (applied or backlogged, from a trusted producer or approved) since the last retrain.");
        }
        var asked = settings.Since ?? DateTimeOffset.UtcNow;
        // The version this command waits for: the one its own trigger's run registers, or the first a cron fire does.
        IQueryable<ModelVersion> Awaited(IQueryable<ModelVersion> versions, string byTrigger) => settings.Scheduled
            ? versions.Where(v => v.CreatedBy.StartsWith("scheduler:") && v.CreatedAt >= asked).OrderBy(v => v.Number)
            : versions.Where(v => v.CreatedBy.Contains(byTrigger));
        string mark, waitedFor;
        if (settings.Scheduled)
        {
            (mark, waitedFor) = ("", "the model's schedule");
            if (!settings.Json)
            {
                AnsiConsole.MarkupLineInterpolated($"Waiting for a scheduled retrain of [bold]{settings.Model}[/] registered since {asked:u} ({unfolded} corrections wait now).");
            }
        }
        else
        {
            var id = await scope.ServiceProvider.GetRequiredService<RetrainingTrigger>().TriggerAsync(settings.Model, connection.Operator, cancellation);
            (mark, waitedFor) = ($"(trigger {id})", $"trigger {id}");
            if (!settings.Json)
            {
                AnsiConsole.MarkupLineInterpolated($"Asked the scheduler for a retraining run of [bold]{settings.Model}[/] (trigger {id}, {unfolded} corrections to fold); a worker node runs it.");
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(settings.Timeout);
        ModelVersion? version = null;
        async Task Poll(Action<TimeSpan> shown)
        {
            while (version is null)
            {
                db.ChangeTracker.Clear();
                version = await Awaited(db.Versions.AsNoTracking().Where(v => v.ModelId == modelId && (v.Kind == VersionKind.Retrain || v.Kind == VersionKind.Consolidation)), mark).FirstOrDefaultAsync(cancellation);
                if (version is null && DateTime.UtcNow > deadline)
                {
                    throw new OperatorError($"No worker ran {waitedFor} within {settings.Timeout} s. Is a `corrections-worker` running on this registry? Its log says why a run was skipped.");
                }
                shown(DateTimeOffset.UtcNow - asked);
                await Task.Delay(version is null ? 1000 : 0, cancellation);
            }
        }
        if (settings.Json)
        {
            await Poll(_ => { });
        }
        else if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // A log, not a terminal: a line every half minute rather than a spinner's every frame.
            var said = TimeSpan.Zero;
            await Poll(elapsed =>
            {
                if (elapsed - said >= TimeSpan.FromSeconds(30))
                {
                    AnsiConsole.MarkupLineInterpolated($"still waiting for a worker node to retrain… {elapsed.TotalSeconds:F0} s");
                    said = elapsed;
                }
            });
        }
        else
        {
            await AnsiConsole.Status().StartAsync("waiting for a worker node to retrain…", async status =>
                await Poll(elapsed => status.Status($"waiting for a worker node to retrain… {elapsed.TotalSeconds:F0} s")));
        }
        var parent = await db.Versions.AsNoTracking().SingleAsync(v => v.Id == version!.ParentId, cancellation);
        // Retraining:From is read from this process's configuration, which should match the workers'.
        var start = await scope.ServiceProvider.GetRequiredService<RetrainingRun>().StartAsync(settings.Model, parent, cancellation);
        var folded = await db.Reports.CountAsync(r => r.FoldedVersionId == version!.Id, cancellation);
        return new RetrainOutcome(settings.Model, version!.Number, parent.Number, start.Number, folded, version.CreatedAt - asked, $"run by {version.CreatedBy}");
    }

    private static async Task<(VersionStatus Status, string? Reason)> VerdictAsync(ServiceConnection connection, Settings settings, int number, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(settings.Timeout);
        while (true)
        {
            await using (var scope = connection.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                var modelId = await db.ModelIdAsync(settings.Model, cancellation);
                var version = await db.Versions.AsNoTracking().SingleAsync(v => v.ModelId == modelId && v.Number == number, cancellation);
                if (version.Status != VersionStatus.Pending)
                {
                    return (version.Status, version.StatusReason);
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                return (VersionStatus.Pending, $"no verdict within {settings.Timeout} s: is `corrections-worker` running?");
            }
            await Task.Delay(250, cancellation);
        }
    }

    /// <summary>The full test set and every folded correction, on the start, production and retrained versions.</summary>
    private static async Task<Result> CompareAsync(ServiceConnection connection, Settings settings, RetrainOutcome outcome, VersionStatus status, string? reason, CancellationToken cancellation)
    {
        await using var scope = connection.Scope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var modelId = await db.ModelIdAsync(settings.Model, cancellation);
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == modelId && (v.Number == outcome.StartVersion || v.Number == outcome.ParentVersion || v.Number == outcome.Version))
            .ToDictionaryAsync(v => v.Number, cancellation);
        var registered = await db.Models.AsNoTracking().SingleAsync(m => m.Id == modelId, cancellation);
        var retrainId = versions[outcome.Version!.Value].Id;
        // Corrections production already carried (applied by an edit) against the backlog the retrain also took in.
        var folded = await db.Reports.AsNoTracking().Where(r => r.FoldedVersionId == retrainId)
            .Select(r => new { r.InputTensor, r.CorrectLabel, WasApplied = r.Status == ReportStatus.Applied && r.VersionId != retrainId }).ToListAsync(cancellation);
        var wasApplied = folded.Select(f => f.WasApplied).ToArray();
        var store = scope.ServiceProvider.GetRequiredService<ModelStore>();
        using var test = FashionMnist.Load(settings.Test, DatasetSplit.Test);
        var corrections = CorrectionSet.Of(registered.InputShape, folded.Select(f => (f.InputTensor!, f.CorrectLabel)));

        using var heldOut = HeldOut(test, settings.HeldOutFrom);

        (double HeldOutError, double FullError, double Held, double AppliedHeld) Measure(EditableModel model)
        {
            var full = Metrics.ErrorRate(model, test) * 100;
            var error = Metrics.ErrorRate(model, heldOut) * 100;
            var hits = Metrics.Held(model, corrections);
            var applied = hits.Where((_, i) => wasApplied[i]).ToList();
            return (error, full, Share(hits), Share(applied));
        }

        (double HeldOutError, double FullError, double Held, double AppliedHeld) MeasureVersion(ModelVersion version)
        {
            using var model = store.Load(ModelCache.Stored(version));
            return Measure(model);
        }

        var start = MeasureVersion(versions[outcome.StartVersion]);
        var production = MeasureVersion(versions[outcome.ParentVersion]);
        var retrained = MeasureVersion(versions[outcome.Version!.Value]);
        (double HeldOutError, double FullError, double, double)? baseline = null;
        if (settings.Baseline is { } file)
        {
            using var model = EditableModel.Load(file);
            baseline = Measure(model);
        }
        return new Result(outcome.Model, outcome.Version, status.ToString().ToLowerInvariant(), reason, outcome.StartVersion, outcome.ParentVersion, outcome.Corrections,
            outcome.Duration.TotalSeconds, settings.HeldOutFrom, heldOut.Count, start.HeldOutError, production.HeldOutError, retrained.HeldOutError, baseline?.HeldOutError,
            start.FullError, production.FullError, retrained.FullError, baseline?.FullError, production.Held, retrained.Held,
            folded.Count(f => f.WasApplied), retrained.AppliedHeld, settings.Baseline, outcome.Note);
    }

    private static LabeledImages HeldOut(LabeledImages test, int from)
    {
        if (from < 0 || from >= test.Count)
        {
            throw new OperatorError($"--held-out-from {from} leaves no test image (the test set has {test.Count}).");
        }
        return test.Select([.. Enumerable.Range(from, test.Count - from).Select(i => (long)i)]);
    }

    // Of no corrections, all hold (as the gate counts them).
    private static double Share(IReadOnlyCollection<bool> hits) => hits.Count == 0 ? 100 : hits.Count(h => h) * 100.0 / hits.Count;
}
