using System.Diagnostics;
using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Correcting;
using Corrections.Editing.Data;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using Corrections.Editing.Training;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Gate;
using Corrections.Pipeline.Observability;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Retraining;

/// <summary>
/// Editable retraining: from the last trained version (or production), Editable Training on the training data plus
/// every correction not yet folded into an accepted retrain (applied and backlogged alike, oversampled and augmented).
/// The result is registered as a pending <c>retrain</c> version on top of production, linked to every correction it
/// folds in, and goes through the same validation gate as an edit. With <c>Retraining:Recipe</c> <c>consolidation</c>
/// the run is a consolidation instead (<see cref="Consolidation.Fold"/>): from production, on every correction production
/// carries and every one waiting, registered as a <c>consolidation</c> version whose memory holds what its weights do not make.
/// </summary>
public sealed class RetrainingRun(
    RegistryDbContext db, IOptions<PipelineOptions> pipeline, IOptions<RetrainingOptions> options, IOptions<Producers.ProducerOptions> producers,
    MemoryReference memory, ValidationData validation, ModelStore store, ComputeGate gate, TimeProvider clock,
    PipelineMetrics metrics, ILogger<RetrainingRun> log)
{
    // Consolidation steps per hold of the compute gate: about half a second of the small CNN on 2 cores, so a report
    // that arrives mid-consolidation waits that long, not the whole consolidation.
    private const int StepsPerHold = 8;

    /// <summary>
    /// Whether a run for <paramref name="modelName"/> consolidates (<c>Retraining:Recipe</c>; <c>auto</c>: for the models
    /// whose chains remember). A consolidation takes the compute gate itself, a few steps at a time: never call it
    /// inside the gate.
    /// </summary>
    public bool Consolidates(string modelName) => options.Value.Recipe switch
    {
        "consolidation" => true,
        "auto" => memory.Settings.Remembers(modelName),
        _ => false,
    };

    public Task<RetrainOutcome> RunAsync(string modelName, string actor, IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        RunAsync(modelName, actor, scheduled: null, progress, cancellation);

    /// <summary>
    /// The same for a scheduled run: it trains only when the corrections waiting meet <paramref name="scheduled"/>
    /// (null: a run by hand, which trains on whatever waits); otherwise no version, and the outcome's note says why.
    /// Decided under the retraining lock, so two fires never both pass on one backlog.
    /// </summary>
    public async Task<RetrainOutcome> RunAsync(string modelName, string actor, ScheduledCondition? scheduled, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var model = await db.ModelAsync(modelName, cancellation) ?? throw new InvalidOperationException($"No model named '{modelName}'.");
        if (!await ChainLock.TryAcquireRetrainingAsync(db, model.Id, cancellation))
        {
            throw new InvalidOperationException($"A retraining run of '{modelName}' is already in progress.");
        }
        try
        {
            return await RunLockedAsync(model, actor, scheduled, progress, cancellation);
        }
        finally
        {
            await ChainLock.ReleaseRetrainingAsync(db, model.Id);
        }
    }

    /// <summary>
    /// The version a run on top of <paramref name="production"/> starts from, as <c>Retraining:From</c> says: the last
    /// trained version for <c>base</c>, production itself otherwise (for <c>scratch</c>, the one whose architecture it copies).
    /// </summary>
    public async Task<ModelVersion> StartAsync(string modelName, ModelVersion production, CancellationToken cancellation) =>
        options.Value.From == "base" && !Consolidates(modelName) ? await db.TrainedAsync(production, cancellation) : production;

    /// <summary>The model training starts from: <paramref name="start"/> itself, or a fresh network like it for <c>scratch</c>.</summary>
    private static EditableModel Starting(EditableModel start, RetrainingOptions settings)
    {
        if (settings.From != "scratch")
        {
            return start;
        }
        using (start)
        {
            return EditableModel.Create(Network.Create(start.Architecture, settings.Seed, start.Device), start.Normalization, start.Subset, start.Editor.Options);
        }
    }

    /// <summary>
    /// Corrections the next run would fold in (applied or backlogged, and in no pending or accepted retrain), and how
    /// many of them no rejected retrain had: what a scheduled run decides on.
    /// </summary>
    public async Task<(int Waiting, int NeverTried)> WaitingAsync(string modelName, CancellationToken cancellation)
    {
        if (await db.ModelAsync(modelName, cancellation) is not { } model)
        {
            return (0, 0);
        }
        var counts = await Unfolded(model).GroupBy(_ => 1)
            .Select(g => new { Waiting = g.Count(), NeverTried = g.Count(r => r.FoldedVersionId == null) })
            .SingleOrDefaultAsync(cancellation);
        return (counts?.Waiting ?? 0, counts?.NeverTried ?? 0);
    }

    private IQueryable<Report> Unfolded(RegisteredModel model)
    {
        var rejectedRetrains = db.Versions.Where(v => v.ModelId == model.Id && (v.Kind == VersionKind.Retrain || v.Kind == VersionKind.Consolidation) && v.Status == VersionStatus.Rejected).Select(v => (long?)v.Id);
        // Only what may be folded in: a trusted producer's corrections, or ones an operator approved (never a revoked
        // producer's: NotRevoked). One withdrawn by a rollback waits again, though an accepted retrain had folded it.
        var trusted = db.Producers.Where(p => p.RevokedAt == null && p.Trust == ProducerTrust.Trusted).Select(p => p.Name);
        var anonymousTrusted = producers.Value.AnonymousTrust == ProducerTrust.Trusted;
        return NotRevoked(db.Reports.AsNoTracking())
            .Where(r => r.ModelName == model.Name && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged) && r.InputTensor != null
                && (r.Producer == null ? anonymousTrusted || r.ApprovedBy != null : trusted.Contains(r.Producer) || r.ApprovedBy != null)
                && (r.FoldedVersionId == null || rejectedRetrains.Contains(r.FoldedVersionId)
                    || (r.Status == ReportStatus.Backlogged && r.BacklogCause == BacklogCause.Withdrawn)));
    }

    /// <summary>A revoked producer's reports are never folded in, whatever state they reached.</summary>
    private IQueryable<Report> NotRevoked(IQueryable<Report> reports) =>
        reports.Where(r => r.Producer == null || !db.Producers.Any(p => p.Name == r.Producer && p.RevokedAt != null));

    private async Task<RetrainOutcome> RunLockedAsync(RegisteredModel model, string actor, ScheduledCondition? scheduled, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var settings = options.Value;
        var modelName = model.Name;
        var production = await db.AliasTargetAsync(model.Id, pipeline.Value.Alias, cancellation)
            ?? throw new InvalidOperationException($"'{modelName}' has no {pipeline.Value.Alias} version to retrain.");
        var start = await StartAsync(modelName, production, cancellation);
        var consolidating = Consolidates(modelName);
        // A consolidation folds everything production carries, not only what waits: its weights replace production's.
        var ancestry = consolidating ? await db.AncestryAsync(production, cancellation) : [];
        var corrections = await Unfolded(model)
            .Concat(NotRevoked(db.Reports.AsNoTracking()).Where(r => r.ModelName == model.Name && r.Status == ReportStatus.Applied && r.InputTensor != null
                && r.FoldedVersionId != null && ancestry.Contains(r.FoldedVersionId.Value)))
            .OrderBy(r => r.ReceivedAt)
            .Select(r => new { r.ReportId, r.InputTensor, r.CorrectLabel, r.FoldedVersionId, r.Producer })
            .ToListAsync(cancellation);
        var waiting = corrections.Count(c => c.FoldedVersionId is null || !ancestry.Contains(c.FoldedVersionId.Value));
        if (ScheduledCondition.Skip(scheduled, waiting, corrections.Count(c => c.FoldedVersionId is null)) is { } skip)
        {
            return new RetrainOutcome(modelName, null, production.Number, start.Number, 0, TimeSpan.Zero, skip.Note, skip.Code);
        }

        var timer = Stopwatch.StartNew();
        var folding = consolidating ? CorrectionSet.Of(model.InputShape, corrections.Select(c => (c.InputTensor!, c.CorrectLabel))) : null;
        var admission = consolidating ? await ConsolidateAsync(store, model, production, folding!, cancellation) : null;
        if (admission is { Version: null })
        {
            metrics.Retrained(timer.Elapsed.TotalSeconds);
            return new RetrainOutcome(modelName, null, production.Number, start.Number, corrections.Count, timer.Elapsed, admission.Note, RetrainOutcome.OverCleanLimit);
        }
        using var trained = admission?.Version
            ?? Retrain(store, model, start, [.. corrections.Select(c => (c.InputTensor!, c.CorrectLabel, c.Producer))], progress, cancellation);
        metrics.Retrained(timer.Elapsed.TotalSeconds);

        // A consolidation registers with the compute gate held (taken before the chain lock, as everywhere) and only while
        // no candidate is pending, so that it rests on the production it is judged against, with the corrections applied
        // while it trained added to its memory: none of them leaves production with it.
        var (transaction, hold) = await LockChainAsync(model, consolidating, cancellation);
        await using var _transaction = transaction;
        using var _hold = hold;
        var parent = await db.AliasTargetAsync(model.Id, pipeline.Value.Alias, cancellation) ?? production;
        (int Count, int Added)? kept = null;
        if (hold is not null && parent.Id != production.Id)
        {
            var late = await LateAsync(model, ancestry, parent, cancellation);
            kept = (late.Count, await hold.Run(() => Remembering.KeepMissing(trained, late)));
        }
        var number = await db.NextNumberAsync(model.Id, cancellation);
        var stored = hold is not null ? await hold.Run(() => store.SaveFull(modelName, number, trained)) : store.SaveFull(modelName, number, trained);
        var now = clock.GetUtcNow();
        var kind = consolidating ? VersionKind.Consolidation : VersionKind.Retrain;
        var version = VersionRecords.Of(model.Id, number, parent.Id, kind, stored, actor, now, VersionStatus.Pending);
        db.Versions.Add(version);
        await db.SaveChangesAsync(cancellation);
        var ids = corrections.Select(c => c.ReportId).ToList();
        await db.Reports.Where(r => ids.Contains(r.ReportId)).ExecuteUpdateAsync(r => r.SetProperty(x => x.FoldedVersionId, version.Id), cancellation);
        await transaction.CommitAsync(cancellation);
        var moved = parent.Id == production.Id ? null
            : kept is { } k ? $"production moved from v{production.Number} to v{parent.Number} while consolidating; {k.Added} of the {k.Count} corrections applied since were added to its memory, the weights make the rest"
            : $"production moved from v{production.Number} to v{parent.Number} while training; corrections applied since are not in this retrain";
        var scratch = settings.From == "scratch" && !consolidating ? $"trained from scratch: a fresh network of v{start.Number}'s architecture" : null;
        var remembered = consolidating && trained.Memory is { } memoryKept ? $"consolidated: the weights make {corrections.Count - memoryKept.Count + (kept?.Added ?? 0)} of {corrections.Count} corrections, the memory keeps {memoryKept.Count}" : null;
        var note = string.Join("; ", new[] { admission?.Note, remembered, scratch, moved }.OfType<string>()) is { Length: > 0 } said ? said : null;
        return new RetrainOutcome(modelName, number, parent.Number, start.Number, corrections.Count, timer.Elapsed, note);
    }

    /// <summary>
    /// The chain lock in a new transaction; for a consolidation, with the compute gate held first and only once no
    /// candidate is pending (retried while one is; the gate is let go between tries so its verdict can come).
    /// </summary>
    private async Task<(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction, ComputeGate.Hold?)> LockChainAsync(RegisteredModel model, bool consolidating, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var hold = consolidating ? await gate.HoldAsync(cancellation) : null;
            var transaction = await db.Database.BeginTransactionAsync(cancellation);
            await ChainLock.AcquireAsync(db, model.Id, cancellation);
            if (!consolidating || await db.PendingAsync(model.Id, cancellation) is null)
            {
                return (transaction, hold);
            }
            await transaction.RollbackAsync(cancellation);
            await transaction.DisposeAsync();
            hold!.Dispose();
            if (waited.Elapsed > TimeSpan.FromSeconds(options.Value.ConsolidationWaitSeconds))
            {
                throw new InvalidOperationException($"'{model.Name}' kept a candidate pending for {options.Value.ConsolidationWaitSeconds} s; the consolidation was not registered.");
            }
            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>The corrections applied in the versions above <paramref name="before"/> (the start's ancestry) up to <paramref name="parent"/>.</summary>
    private async Task<CorrectionSet> LateAsync(RegisteredModel model, List<long> before, ModelVersion parent, CancellationToken cancellation)
    {
        var since = (await db.AncestryAsync(parent, cancellation)).Except(before).ToList();
        var late = await db.Reports.AsNoTracking().Where(r => r.VersionId != null && since.Contains(r.VersionId.Value) && r.Status == ReportStatus.Applied && r.InputTensor != null)
            .Select(r => new { r.InputTensor, r.CorrectLabel }).ToListAsync(cancellation);
        return CorrectionSet.Of(model.InputShape, late.Select(r => (r.InputTensor!, r.CorrectLabel)));
    }

    public CandidateCreated Announcement(RetrainOutcome outcome) => new()
    {
        Model = outcome.Model,
        Version = outcome.Version ?? throw new InvalidOperationException("Nothing was retrained."),
        ParentVersion = outcome.ParentVersion,
        ReportIds = [],
        CreatedAt = clock.GetUtcNow(),
    };

    private EditableModel Retrain(ModelStore store, RegisteredModel model, ModelVersion start, IReadOnlyList<(byte[] Tensor, int Label, string? Producer)> folding,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var settings = options.Value;
        var trained = Starting(store.Load(ModelCache.Stored(start)), settings);
        try
        {
            using var train = LoadTraining(settings);
            // Each producer's corrections get the copies its share allows (RetrainingOptions.MaxProducerShare).
            var perProducer = folding.GroupBy(c => c.Producer).ToDictionary(g => g.Key ?? "", g => g.Count());
            var copies = folding.Select(c => settings.CopiesFor(folding.Count, perProducer[c.Producer ?? ""], train.Count)).ToList();
            var repeated = CorrectionSet.Of(model.InputShape, folding.SelectMany((c, i) => Enumerable.Repeat((c.Tensor, c.Label), copies[i])));
            using var mix = CorrectionFolding.Mix(train, repeated, repeats: 1);
            var training = new EditableTrainingOptions
            {
                Epochs = settings.Epochs,
                BatchSize = settings.BatchSize,
                LearningRate = settings.LearningRate,
                TrainingMaxSteps = 3,
                CropPadding = settings.CropPadding,
                HorizontalFlip = false,
                Seed = settings.Seed,
            };
            log.LogInformation("Retraining {Model} from v{Start} on {Images} images: {Corrections} corrections × {Oversample} among them (the fewest copies a producer's got: {Fewest})",
                model.Name, start.Number, mix.Count, folding.Count, settings.CopiesFor(folding.Count, train.Count), copies.Count == 0 ? 0 : copies.Min());
            new EditableTrainer(training, new UniformEditTargets()).Train(trained, mix, progress, cancellation: cancellation);
            return trained;
        }
        catch
        {
            trained.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Production consolidated on <paramref name="folding"/>, anchored to the base version it descends from (a fixed
    /// anchor: drift cannot build up from one consolidation to the next), and held to the clean limit
    /// (<see cref="RetrainingOptions.ConsolidationCleanLimitPp"/>): the version to register, part of the way if need be,
    /// or none, with a note saying which.
    /// </summary>
    private async Task<Registrable> ConsolidateAsync(ModelStore store, RegisteredModel model, ModelVersion production, CorrectionSet folding, CancellationToken cancellation)
    {
        var settings = options.Value;
        var anchorVersion = await db.BaseAsync(production, cancellation);
        using var from = await gate.RunAsync(() => store.Load(ModelCache.Stored(production)), cancellation);
        using var anchor = await gate.RunAsync(() => store.Load(ModelCache.Stored(anchorVersion)), cancellation);
        using var clean = LoadTraining(settings);
        using var consolidation = await gate.RunAsync(() => new Folding(from, folding, clean, anchor, settings.Consolidation, memory.For(from)), cancellation);
        log.LogInformation("Consolidating v{Production} of model {Model}: {Steps} steps on {Corrections} corrections and {Images} clean images, anchored to v{Base}",
            production.Number, production.ModelId, consolidation.Run.Steps, folding.Count, clean.Count, anchorVersion.Number);
        while (!consolidation.Run.Finished)
        {
            await gate.RunAsync(() => { consolidation.Run.Advance(StepsPerHold); return 0; }, cancellation);
        }
        var folded = await gate.RunAsync(() => consolidation.Finish(memory.Images), cancellation);
        return await AdmitAsync(model, from, anchor, anchorVersion.Number, folded, folding, cancellation);
    }

    /// <summary>
    /// <paramref name="folded"/> if it keeps the clean limit against the base on the gate's clean set, else the first
    /// version part of the way from production's weights that does (its memory rebuilt on every correction), else none.
    /// One version per hold of the compute gate: each try costs about a second, and reports wait for the gate.
    /// </summary>
    private async Task<Registrable> AdmitAsync(RegisteredModel model, EditableModel from, EditableModel anchor, int baseNumber, EditableModel folded, CorrectionSet folding, CancellationToken cancellation)
    {
        var settings = options.Value;
        (string Set, CleanLimit Rule)? rule;
        try
        {
            rule = settings.ConsolidationCleanLimitPp is not { } limit ? null : await gate.RunAsync(() =>
                validation.For(model.Name, model.InputShape, model.ClassCount).FirstOrDefault() is ({ } set, { } images)
                    ? (set.Name, new CleanLimit(anchor, images, limit, settings.Shares()))
                    : ((string, CleanLimit)?)null, cancellation);
        }
        catch
        {
            folded.Dispose();
            throw;
        }
        if (rule is not ({ } setName, { } cleanLimit))
        {
            return new Registrable(folded, null);
        }
        var (keyStage, radiusScale) = (folded.Memory!.KeyStage, folded.Memory.RadiusScale);
        using var trial = cleanLimit.Begin(from, folded, partial => Folding.Remember(partial, folding, memory.Images, keyStage, radiusScale));
        while (!trial.Decided)
        {
            await gate.RunAsync(() => { trial.Step(); return 0; }, cancellation);
        }
        var admitted = trial.Take();
        var tried = string.Join(", ", cleanLimit.Tried.Select(t => F($"{(t.Share == 1 ? "all" : t.Share.ToString(System.Globalization.CultureInfo.InvariantCulture))} of the way {t.CostPp:+0.00;-0.00} pp")));
        var judged = F($"on {setName} against base v{baseNumber}, limit {cleanLimit.LimitPp} pp");
        var note = ReferenceEquals(admitted, folded) ? null
            : admitted is null ? $"consolidation refused {judged}: {tried}; its corrections wait for the next run"
            : F($"registered {cleanLimit.Tried[^1].Share} of the way {judged}: {tried}");
        if (note is not null)
        {
            log.LogInformation("Consolidation of {Model}: {Note}", model.Name, note);
        }
        return new Registrable(admitted, note);
    }

    /// <summary>The version a consolidation registers (null: refused) and what its clean limit said, when it had to.</summary>
    private sealed record Registrable(EditableModel? Version, string? Note);

    private static string F(FormattableString value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static LabeledImages LoadTraining(RetrainingOptions settings)
    {
        var all = settings.Format switch
        {
            "fashion-mnist" => FashionMnist.Load(settings.Path, DatasetSplit.Train),
            "cifar10" => Cifar10.Load(settings.Path, DatasetSplit.Train),
            _ => throw new InvalidOperationException($"Retraining:Format '{settings.Format}' is neither fashion-mnist nor cifar10."),
        };
        if (settings.TrainLimit == 0 || settings.TrainLimit >= all.Count)
        {
            return all;
        }
        using (all)
        {
            return all.Take(settings.TrainLimit);
        }
    }
}
