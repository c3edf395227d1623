using System.Diagnostics;
using System.Globalization;
using Corrections.Contracts;
using Corrections.Editing.Correcting;
using Corrections.Editing.Evaluation;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Observability;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// The validation gate. Measures a candidate on every configured set against its parent (drawdown), its base
/// (cumulative drawdown) and production (change), checks that it predicts its own corrections, records every figure,
/// and then — under the chain lock — promotes it by moving the alias, or rejects it and backlogs its corrections.
/// </summary>
public sealed class CandidateGate(
    RegistryDbContext db,
    ModelCache models,
    ValidationFeatures features,
    ValidationData data,
    TriggerReferences triggers,
    ComputeGate gate,
    IOptions<PipelineOptions> pipeline,
    IOptions<ValidationOptions> validation,
    IOptions<Producers.ProducerOptions> producers,
    TimeProvider clock,
    PipelineMetrics metrics,
    ILogger<CandidateGate> log)
{
    /// <summary>The verdict, or null when the candidate was already decided (a redelivered announcement).</summary>
    public async Task<GateVerdict?> ValidateAsync(string modelName, int number, CancellationToken cancellation)
    {
        db.ChangeTracker.Clear();
        var alias = pipeline.Value.Alias;
        var model = await db.ModelAsync(modelName, cancellation) ?? throw new InvalidOperationException($"Model '{modelName}' is not registered.");
        var version = await db.Versions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Number == number, cancellation)
            ?? throw new InvalidOperationException($"Model '{modelName}' has no version {number}.");
        if (version.Status != VersionStatus.Pending)
        {
            log.LogInformation("v{Version} of {Model} was already {Status}; nothing to validate", number, modelName, version.Status);
            return null;
        }
        // The model's version table, read once (it is small): every lineage below is walked in memory.
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == model.Id).ToDictionaryAsync(v => v.Id, cancellation);
        var links = versions.ToDictionary(v => v.Key, v => (v.Value.Kind, v.Value.ParentId));
        ModelVersion Trained(ModelVersion v) => versions[ChainQueries.Lineage(v.Id, links).TrainedId];
        var parent = versions[version.ParentId ?? throw new InvalidOperationException($"Candidate v{number} of '{modelName}' has no parent.")];
        // Each version is measured from the features of its own trained version: a retrain is its own, and its parent
        // rests on another (sharing the retrain's would measure the parent with the retrain's lower stages).
        var trained = Trained(version);
        var parentTrained = Trained(parent);
        var production = await db.AliasTargetAsync(model.Id, alias, cancellation);
        var productionTrained = production is null ? null : Trained(production);
        // The trigger probe's reference is pinned to the chain's base, whatever was consolidated since; a new base
        // registered on production is judged against the base it would replace.
        var pinned = version.Kind == VersionKind.Base ? parent : version;
        while (pinned.Kind != VersionKind.Base && pinned.ParentId is { } up)
        {
            pinned = versions[up];
        }
        // An edit's own corrections are the reports it edited; a retrain's or a consolidation's are every correction it
        // folded in (for a consolidation, every correction production carried and every one the backlog held).
        var folds = version.Kind != VersionKind.Edit;
        var corrections = await db.Reports.AsNoTracking().Where(r => folds ? r.FoldedVersionId == version.Id : r.VersionId == version.Id)
            .Select(r => new { r.InputTensor, r.CorrectLabel }).ToListAsync(cancellation);
        // The earlier corrections are those applied in the parent's chain of edits, for an edit and a retrain alike: both
        // replace the parent in production, and neither may undo what production already fixes.
        var parentChain = ChainQueries.Lineage(parent.Id, links).EditChain;
        var earlier = await db.Reports.AsNoTracking().Where(r => r.VersionId != null && parentChain.Contains(r.VersionId.Value) && r.Status == ReportStatus.Applied)
            .Select(r => new { r.InputTensor, r.CorrectLabel }).ToListAsync(cancellation);
        var own = CorrectionSet.Of(model.InputShape, corrections.Select(c => (c.InputTensor!, c.CorrectLabel)));
        var kept = CorrectionSet.Of(model.InputShape, earlier.Select(c => (c.InputTensor!, c.CorrectLabel)));

        var timer = Stopwatch.StartNew();
        CandidateMeasurement measured;
        try
        {
            measured = await gate.RunAsync(() => Measure(model, version, trained, parent, parentTrained, production, productionTrained, pinned, own, kept), cancellation);
        }
        catch (Corrections.Editing.Data.DataFormatException e)
        {
            // A model file changed or corrupted on disk (hash mismatch, truncation): retrying cannot help, and leaving the
            // candidate pending would stall the chain. Reject it with the reason; its corrections wait for retraining.
            log.LogError(e, "v{Version} of {Model} cannot be measured", number, modelName);
            measured = new CandidateMeasurement([], 0, 0, 0, e.Message);
        }
        var judgement = GateRules.Judge(measured, validation.Value, parent.Number, production?.Number, version.Kind);
        var (figures, reasons) = (judgement.Figures, judgement.Reasons.ToList());
        var duration = timer.Elapsed.TotalMilliseconds;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
        await ChainLock.AcquireAsync(db, model.Id, cancellation);
        var tracked = await db.Versions.SingleAsync(v => v.Id == version.Id, cancellation);
        if (tracked.Status != VersionStatus.Pending)
        {
            await transaction.RollbackAsync(cancellation);
            return null;
        }
        var current = await db.AliasTargetAsync(model.Id, alias, cancellation);
        if (reasons.Count == 0 && current?.Id != parent.Id)
        {
            // An operator rolled back (or promoted) while we measured: promoting now would silently undo that.
            reasons.Add($"{alias} moved to v{current?.Number} while v{number}, built on v{parent.Number}, was validated");
        }
        var now = clock.GetUtcNow();
        Record(version.Id, version.Kind, measured, judgement, own.Count, now);
        var reason = reasons.Count == 0 ? null : string.Join("; ", reasons);
        var reports = await db.Reports.Where(r => r.VersionId == version.Id && r.Status == ReportStatus.Edited).ToListAsync(cancellation);
        // A rejected edit of several reports sends each back for another try, alone, instead of to the backlog.
        var retriedAlone = reason is not null && !folds && reports.Count > 1;
        tracked.ValidatedAt = now;
        var unapproved = reason is null ? await UnapprovedAsync(reports, cancellation) : [];
        if (unapproved.Count > 0)
        {
            // It passed, but a reviewed producer's correction takes production only with an operator's approval. The
            // chain goes on meanwhile (its next candidate builds on production as it is).
            tracked.Status = VersionStatus.AwaitingApproval;
            tracked.StatusReason = $"passed validation ({Summary(figures)}); awaits an operator's approval: {reports.Count} report(s), of {string.Join(", ", unapproved)}";
        }
        else if (reason is null)
        {
            tracked.Status = VersionStatus.Accepted;
            await db.MoveAsync(model.Id, alias, tracked, pipeline.Value.ResolvedWorkerName, $"passed validation ({Summary(figures)})", isRollback: false, now, cancellation);
            reports.ForEach(r => r.Apply(now));
            if (folds)
            {
                // Backlogged corrections this retrain (or consolidation) folded in are now in production: applied, by this version.
                var folded = await db.Reports.Where(r => r.FoldedVersionId == version.Id && r.Status == ReportStatus.Backlogged).ToListAsync(cancellation);
                folded.ForEach(r => r.ApplyFolded(version.Id, now));
            }
        }
        else
        {
            tracked.Status = VersionStatus.Rejected;
            tracked.StatusReason = reason;
            if (retriedAlone)
            {
                // One report of several may have broken the candidate: each gets another try, alone (see EditWorker),
                // and only a candidate of one that fails goes to the backlog. The rejection's event starts those tries.
                reports.ForEach(r => r.SendBackAlone(now));
                log.LogInformation("v{Version} of {Model} rejected; its {Count} reports are edited again, one per candidate", number, modelName, reports.Count);
            }
            else
            {
                reports.ForEach(r => r.Backlog(BacklogCause.CandidateRejected, $"candidate v{number} rejected: {reason}"));
            }
        }
        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
        db.ChangeTracker.Clear();
        metrics.Validated(version.Kind.ToString().ToLowerInvariant(), reason is null, duration);
        metrics.Backlogged("gate", reason is null || retriedAlone ? 0 : reports.Count);
        log.LogInformation("v{Version} of {Model} {Verdict} in {Ms:F0} ms: {Figures}{Reason}",
            number, modelName, reason is not null ? "rejected" : unapproved.Count > 0 ? "passed, awaiting approval" : "promoted", duration, Summary(figures),
            reason is null ? "" : $" — {reason}");
        return new GateVerdict(modelName, number, current?.Number, reason, figures, measured.CorrectionSuccess, duration) { AwaitsApproval = unapproved.Count > 0 };
    }

    /// <summary>The producers, not trusted, whose corrections among <paramref name="reports"/> no operator approved yet.</summary>
    private async Task<IReadOnlyList<string>> UnapprovedAsync(IReadOnlyList<Report> reports, CancellationToken cancellation)
    {
        var pending = reports.Where(r => r.ApprovedBy is null).ToList();
        if (pending.Count == 0)
        {
            return [];
        }
        var names = pending.Select(r => r.Producer).OfType<string>().Distinct().ToList();
        var untrusted = await db.Producers.AsNoTracking().Where(p => names.Contains(p.Name) && p.Trust != ProducerTrust.Trusted)
            .Select(p => p.Name).ToListAsync(cancellation);
        var anonymous = pending.Any(r => r.Producer is null) && producers.Value.AnonymousTrust != ProducerTrust.Trusted;
        return anonymous ? [.. untrusted.Order(StringComparer.Ordinal), "(anonymous)"] : [.. untrusted.Order(StringComparer.Ordinal)];
    }

    private CandidateMeasurement Measure(
        RegisteredModel model, ModelVersion version, ModelVersion trained, ModelVersion parent, ModelVersion parentTrained,
        ModelVersion? production, ModelVersion? productionTrained, ModelVersion pinned, CorrectionSet own, CorrectionSet earlier)
    {
        var candidate = models.Get(version);
        var sets = new List<SetMeasurement>();
        TriggerPull? trigger = null;
        foreach (var (set, examples) in data.For(model.Name, model.InputShape, model.ClassCount))
        {
            var timer = Stopwatch.StartNew();
            double Error(ModelVersion v, ModelVersion vTrained) => features.ErrorRate(set.Name, examples, v.Id, models.Get(v), vTrained.Id, models.Get(vTrained));
            var error = Error(version, trained);
            var parentError = Error(parent, parentTrained);
            // Weights that learnt from many corrections at once are their own trained version: against themselves their
            // cumulative drawdown would be 0, and each consolidation could add the parent budget again. They answer to the base.
            var cumulativeReference = version.Kind is VersionKind.Retrain or VersionKind.Consolidation ? pinned : trained;
            var trainedError = Error(cumulativeReference, cumulativeReference);
            double? productionError = production is null ? null : Error(production, productionTrained!);
            var classErrors = features.ClassErrorRates(set.Name, examples, version.Id, candidate, trained.Id, models.Get(trained));
            var baseClassErrors = features.ClassErrorRates(set.Name, examples, pinned.Id, models.Get(pinned), pinned.Id, models.Get(pinned));
            sets.Add(new SetMeasurement(set, examples.Count, error, parentError, trainedError, productionError, timer.Elapsed.TotalMilliseconds,
                classErrors, baseClassErrors, pinned.Number));
            // Weights that learnt from many corrections at once, or that come from outside the chain, are where a stamp
            // shortcut is planted: probe those.
            if (trigger is null && version.Kind is (VersionKind.Base or VersionKind.Retrain or VersionKind.Consolidation) && validation.Value.MaxTriggerPullPp is not null && pinned.Id != version.Id)
            {
                var options = new TriggerProbeOptions { Images = validation.Value.TriggerProbeImages };
                trigger = TriggerProbe.Worst(candidate, triggers.For(pinned.Id, set.Name, models.Get(pinned), examples, options), examples, options);
            }
        }
        return new CandidateMeasurement(sets, Metrics.HeldShare(candidate, own), Metrics.HeldShare(candidate, earlier), earlier.Count,
            Trigger: trigger, TriggerReferenceNumber: trigger is null ? null : pinned.Number);
    }

    private void Record(long versionId, VersionKind kind, CandidateMeasurement measured, GateJudgement judgement, int corrections, DateTimeOffset at)
    {
        foreach (var m in measured.Sets)
        {
            if (GateRules.WorstClass(m) is var (label, classError, baseError))
            {
                // The class that lost most against the pinned base: error_rate its error, base_error_rate the base's.
                var rise = (classError - baseError) * 100;
                db.Validations.Add(new ValidationRecord
                {
                    VersionId = versionId,
                    SetName = $"{WorstClassPrefix}{m.Set.Name}#{label}",
                    Examples = m.Examples,
                    ErrorRate = classError,
                    BaseErrorRate = baseError,
                    CumulativeDrawdownPp = rise,
                    Passed = kind == VersionKind.Edit || m.Set.MaxClassDrawdownPp is not { } max || !Metrics.OverLimit(rise, max),
                    At = at,
                });
            }
        }
        if (measured.Trigger is { } pull)
        {
            // error_rate: the candidate's pull to the label; base_error_rate: the base's; cumulative drawdown: the rise.
            db.Validations.Add(new ValidationRecord
            {
                VersionId = versionId,
                SetName = TriggerProbeSet,
                Examples = pull.Images,
                ErrorRate = pull.CandidateRate,
                BaseErrorRate = pull.ReferenceRate,
                CumulativeDrawdownPp = pull.RisePp,
                Passed = validation.Value.MaxTriggerPullPp is not { } max || !Metrics.OverLimit(pull.RisePp, max),
                At = at,
            });
        }
        foreach (var (m, figure) in measured.Sets.Zip(judgement.Figures))
        {
            db.Validations.Add(new ValidationRecord
            {
                VersionId = versionId,
                SetName = m.Set.Name,
                Examples = m.Examples,
                ErrorRate = m.Error,
                ParentErrorRate = m.ParentError,
                BaseErrorRate = m.TrainedError,
                ProductionErrorRate = m.ProductionError,
                DrawdownPp = figure.DrawdownPp,
                CumulativeDrawdownPp = figure.CumulativeDrawdownPp,
                ChangeVsProductionPp = figure.ChangeVsProductionPp,
                Passed = figure.Passed,
                DurationMs = m.DurationMs,
                At = at,
            });
        }
        db.Validations.Add(new ValidationRecord
        {
            VersionId = versionId,
            SetName = OwnCorrections,
            Examples = corrections,
            ErrorRate = 1 - measured.CorrectionSuccess,
            Passed = judgement.OwnHeld,
            At = at,
        });
        db.Validations.Add(new ValidationRecord
        {
            VersionId = versionId,
            SetName = EarlierCorrections,
            Examples = measured.EarlierCount,
            ErrorRate = 1 - measured.EarlierHeld,
            Passed = judgement.EarlierHeld,
            At = at,
        });
    }

    /// <summary>Prefix of the pseudo-set <c>worst-class:SET#LABEL</c>: per set, the class whose error rose most above the base's.</summary>
    public const string WorstClassPrefix = "worst-class:";

    /// <summary>The pseudo-set under which the trigger probe's strongest pull is recorded.</summary>
    public const string TriggerProbeSet = "trigger-probe";

    /// <summary>The pseudo-set under which a candidate's success on its own corrections is recorded.</summary>
    public const string OwnCorrections = "own-corrections";

    /// <summary>The pseudo-set for the corrections applied earlier in the chain that the candidate must keep.</summary>
    public const string EarlierCorrections = "earlier-corrections";

    private static string Summary(IEnumerable<ValidationFigure> figures) =>
        string.Join(", ", figures.Select(f => F($"{f.Set} {f.ErrorRate:P2} ({f.DrawdownPp:+0.00;-0.00} pp)")));

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
