using System.Diagnostics;
using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Editing;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Ingest;
using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Resilience;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace Corrections.Pipeline.Edits;

/// <summary>
/// Turns accepted reports into a candidate version: edits the version the alias points at (held in memory), stores the
/// result as a delta when that is smaller, and records every edit. One writer per chain: the candidate is built under
/// the model's chain lock, and only once the previous candidate has been validated, so versions stay a single line.
/// </summary>
public sealed class EditWorker(
    RegistryDbContext db,
    ModelCache cache,
    ComputeGate gate,
    IOptions<PipelineOptions> options,
    TimeProvider clock,
    PipelineMetrics metrics,
    ResiliencePipelines resilience,
    ILogger<EditWorker> log)
{
    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(20);

    public async Task<EditOutcome> ApplyAsync(string modelName, IReadOnlyCollection<Guid> reportIds, Func<CandidateCreated, Task> announce, CancellationToken cancellation)
    {
        db.ChangeTracker.Clear();
        var model = await db.ModelAsync(modelName, cancellation)
            ?? throw new InvalidOperationException($"Model '{modelName}' is not registered (ingest accepted reports for it: was it deleted?).");
        if (!await db.Reports.AnyAsync(r => reportIds.Contains(r.ReportId) && r.Status == ReportStatus.Received, cancellation))
        {
            // A redelivery after the edit: the registry has the outcome, and there is no candidate to wait for.
            return new EditOutcome(null, 0, 0, reportIds.Count);
        }
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            await WaitUntilNoPendingAsync(model, announce, waiting, cancellation);
            // The compute gate first, then the chain lock, never the other way round: a retraining run on this worker
            // holds the gate for minutes and then takes the chain lock to register its version. An edit that held the
            // chain lock while it waited for the gate deadlocked with it until the retrain's lock wait timed out.
            using var compute = await gate.HoldAsync(cancellation);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
            await ChainLock.AcquireAsync(db, model.Id, cancellation);
            if (await db.PendingAsync(model.Id, cancellation) is not null)
            {
                // Another worker built a candidate between our check and the lock: wait for its validation.
                await transaction.RollbackAsync(cancellation);
                continue;
            }
            var (outcome, built) = await EditLockedAsync(model, reportIds, compute, cancellation);
            await transaction.CommitAsync(cancellation);
            db.ChangeTracker.Clear();
            if (built is { } candidate)
            {
                await compute.Run(() => { cache.Put(candidate.VersionId, candidate.Model); return 0; });
            }
            return outcome;
        }
    }

    private async Task WaitUntilNoPendingAsync(RegisteredModel model, Func<CandidateCreated, Task> announce, Stopwatch waiting, CancellationToken cancellation)
    {
        var settings = options.Value;
        var lastAnnounced = DateTimeOffset.MinValue;
        while (await db.PendingAsync(model.Id, cancellation) is { } pending)
        {
            if (waiting.ElapsedMilliseconds > settings.PendingTimeoutMs)
            {
                throw new TimeoutException($"Candidate v{pending.Number} of '{model.Name}' is still pending after {waiting.Elapsed.TotalSeconds:F0} s; is a validation consumer running? The reports will be redelivered.");
            }
            var now = clock.GetUtcNow();
            var stale = TimeSpan.FromMilliseconds(settings.RepublishPendingAfterMs);
            if (now - pending.CreatedAt > stale && now - lastAnnounced > stale)
            {
                // The worker that built it may have died between commit and publish: say it again (validation is idempotent).
                log.LogWarning("Candidate v{Version} of {Model} pending since {CreatedAt}; announcing it again", pending.Number, model.Name, pending.CreatedAt);
                await announce(await AnnouncementAsync(model, pending, cancellation));
                lastAnnounced = now;
            }
            await Task.Delay(_pollInterval, cancellation);
        }
    }

    private async Task<CandidateCreated> AnnouncementAsync(RegisteredModel model, ModelVersion version, CancellationToken cancellation)
    {
        var parent = await db.Versions.AsNoTracking().Where(v => v.Id == version.ParentId).Select(v => v.Number).SingleAsync(cancellation);
        var reports = await db.Reports.AsNoTracking().Where(r => r.VersionId == version.Id).Select(r => r.ReportId).ToListAsync(cancellation);
        return new CandidateCreated { Model = model.Name, Version = version.Number, ParentVersion = parent, ReportIds = reports, CreatedAt = version.CreatedAt };
    }

    private async Task<(EditOutcome, BuiltCandidate?)> EditLockedAsync(RegisteredModel model, IReadOnlyCollection<Guid> reportIds, ComputeGate.Hold compute, CancellationToken cancellation)
    {
        var settings = options.Value;
        var timer = Stopwatch.StartNew();
        var ids = reportIds.ToList();
        var reports = await db.Reports
            .Where(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Received && r.ModelName == model.Name)
            .OrderBy(r => r.ReceivedAt).ThenBy(r => r.ReportId)
            .ToListAsync(cancellation);
        if (reports.Count == 0)
        {
            // Redelivered after they were edited: the registry already has their outcome.
            return (new EditOutcome(null, 0, 0, ids.Count), null);
        }
        var deferred = await RetryAloneAsync(reports, cancellation);
        var claimedMs = timer.Elapsed.TotalMilliseconds;
        var head = await db.AliasTargetAsync(model.Id, settings.Alias, cancellation)
            ?? throw new InvalidOperationException($"Model '{model.Name}' has no '{settings.Alias}' version to edit; register and promote a base version first.");
        var spec = new ModelInputSpec(model.InputShape, model.ClassCount);
        var inputs = new float[reports.Count * spec.ElementCount];
        for (var i = 0; i < reports.Count; i++)
        {
            ValidatedInput.FromBytes(reports[i].InputTensor ?? [], spec.ElementCount).CopyTo(inputs, i * spec.ElementCount);
        }
        var targets = reports.Select(r => (long)r.CorrectLabel).ToArray();
        var rehearsed = await RehearsedAsync(head, spec, cancellation);
        var number = await db.NextNumberAsync(model.Id, cancellation);
        var readMs = timer.Elapsed.TotalMilliseconds;
        var edit = await compute.Run(() => EditAndStore(model.Name, number, head, spec, new Constraints(inputs, targets), rehearsed));
        var editedMs = timer.Elapsed.TotalMilliseconds;

        var now = clock.GetUtcNow();
        if (edit.Stored is null)
        {
            foreach (var (report, record) in reports.Zip(edit.Records))
            {
                Backlog(report, record);
            }
            await db.SaveChangesAsync(cancellation);
            log.LogWarning("No edit of {Count} report(s) for {Model} reached its label; all went to the backlog", reports.Count, model.Name);
            metrics.Backlogged("editor", reports.Count);
            return (new EditOutcome(null, 0, reports.Count, ids.Count - reports.Count - deferred.Count) { Deferred = deferred }, null);
        }

        var version = VersionRecords.Of(model.Id, number, head.Id, VersionKind.Edit, edit.Stored, settings.ResolvedWorkerName, now, VersionStatus.Pending);
        db.Versions.Add(version);
        await db.SaveChangesAsync(cancellation);
        var edited = 0;
        foreach (var (report, record) in reports.Zip(edit.Records))
        {
            db.Edits.Add(new EditRecord
            {
                VersionId = version.Id,
                ReportId = report.ReportId,
                Steps = record.Steps,
                Loss = record.Loss,
                LatencyMs = record.LatencyMs,
                Success = record.Success,
                BatchSize = record.BatchSize,
                At = now,
            });
            if (record.Success)
            {
                report.Status = ReportStatus.Edited;
                report.VersionId = version.Id;
                report.EditedAt = now;
                edited++;
            }
            else
            {
                Backlog(report, record);
            }
        }
        await db.SaveChangesAsync(cancellation);
        metrics.Edited(timer.Elapsed.TotalMilliseconds);
        metrics.Backlogged("editor", reports.Count - edited);
        log.LogInformation("Candidate v{Version} of {Model} on v{Parent}: {Edited} edited, {Backlogged} backlogged, {Bytes} bytes{Delta}, {Ms:F0} ms: claim {ClaimMs:F0}, read {ReadMs:F0}, edit+store {EditMs:F0} ({EditorMs:F0} in the editor, {StoreMs:F0} storing), record {RecordMs:F0}",
            number, model.Name, head.Number, edited, reports.Count - edited, edit.Stored.Bytes, edit.Stored.IsDelta ? " (delta)" : "",
            timer.Elapsed.TotalMilliseconds, claimedMs, readMs - claimedMs, editedMs - readMs,
            edit.Records.Sum(r => r.LatencyMs) / (edit.Records.Length == 0 ? 1 : edit.Records[0].BatchSize), edit.StoreMs, timer.Elapsed.TotalMilliseconds - editedMs);
        var announcement = new CandidateCreated
        {
            Model = model.Name,
            Version = number,
            ParentVersion = head.Number,
            ReportIds = reports.Where((_, i) => edit.Records[i].Success).Select(r => r.ReportId).ToList(),
            CreatedAt = now,
        };
        return (new EditOutcome(announcement, edited, reports.Count - edited, ids.Count - reports.Count - deferred.Count) { Deferred = deferred },
            new BuiltCandidate(version.Id, edit.Model!));

        void Backlog(Report report, EditFigures record)
        {
            report.Status = ReportStatus.Backlogged;
            report.BacklogReason = record.Conflicts > 0
                ? $"conflicts-with-earlier: label {report.CorrectLabel} and {record.Conflicts} earlier correction(s) it breaks not reached together within {record.Steps} step(s) (edit loss {record.Loss:G3})"
                : $"editor-failed: label {report.CorrectLabel} not reached within {record.Steps} step(s) (edit loss {record.Loss:G3})";
        }
    }

    /// <summary>
    /// A report whose earlier candidate the gate rejected gets one more try in a candidate of its own, so that one bad
    /// correction cannot sink the others again. When the batch holds one, it is edited alone and the rest are taken out
    /// of <paramref name="reports"/> and returned, for the caller to announce again.
    /// </summary>
    private async Task<List<Guid>> RetryAloneAsync(List<Report> reports, CancellationToken cancellation)
    {
        if (reports.Count < 2)
        {
            return [];
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        var retried = await db.Edits.AsNoTracking().Where(e => ids.Contains(e.ReportId) && e.Success).Select(e => e.ReportId).Distinct().ToListAsync(cancellation);
        if (retried.Count == 0)
        {
            return [];
        }
        var alone = reports.First(r => retried.Contains(r.ReportId));
        var rest = reports.Where(r => r != alone).Select(r => r.ReportId).ToList();
        reports.RemoveAll(r => r != alone);
        return rest;
    }

    /// <summary>The corrections applied in the head's chain since its base, most recent first, that edits must keep.</summary>
    private async Task<Constraints> RehearsedAsync(ModelVersion head, ModelInputSpec spec, CancellationToken cancellation)
    {
        var limit = options.Value.RehearsedCorrections;
        var chain = head.Kind == VersionKind.Edit ? [head.Id, .. await db.EditAncestorsAsync(head, cancellation)] : new List<long>();
        if (limit == 0 || chain.Count == 0)
        {
            return new Constraints([], []);
        }
        var earlier = await db.Reports.AsNoTracking()
            .Where(r => r.VersionId != null && chain.Contains(r.VersionId.Value) && r.Status == ReportStatus.Applied)
            .OrderByDescending(r => r.AppliedAt).Take(limit)
            .Select(r => new { r.InputTensor, r.CorrectLabel }).ToListAsync(cancellation);
        return new Constraints(
            [.. earlier.SelectMany(r => ValidatedInput.FromBytes(r.InputTensor ?? [], spec.ElementCount))],
            [.. earlier.Select(r => (long)r.CorrectLabel)]);
    }

    /// <summary>
    /// Edits a clone of the head so that the new inputs get their labels while the earlier corrections keep theirs: the
    /// whole batch at once when the editor manages that, else report by report on top of each other, keeping the ones that
    /// reach their label. Runs inside the compute gate.
    /// </summary>
    private EditRun EditAndStore(string modelName, int number, ModelVersion head, ModelInputSpec spec, Constraints fresh, Constraints rehearsed)
    {
        var count = fresh.Targets.Length;
        var candidate = cache.Get(head).Clone();
        try
        {
            if (options.Value.EditMaxSteps > 0)
            {
                candidate.Editor.LimitSteps(options.Value.EditMaxSteps);
            }
            long[] Shape(int n) => [n, spec.Channels, spec.Height, spec.Width];
            using var x = tensor(fresh.Inputs, Shape(count));
            using var y = tensor(fresh.Targets, [count]);
            using var kept = new KeptCorrections(candidate, tensor(rehearsed.Inputs, Shape(rehearsed.Targets.Length)), tensor(rehearsed.Targets, [rehearsed.Targets.Length]));
            var records = new EditFigures[count];
            var batch = EditKeeping(candidate, x, y, kept, count);
            if (batch.Success)
            {
                Array.Fill(records, batch);
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    using var xi = x.narrow(0, i, 1);
                    using var yi = y.narrow(0, i, 1);
                    records[i] = EditKeeping(candidate, xi, yi, kept, 1);
                    if (records[i].Success)
                    {
                        // This fix is now one the next edits in the batch must keep too.
                        kept.Add(xi, yi);
                    }
                }
            }
            if (!records.Any(r => r.Success))
            {
                candidate.Dispose();
                return new EditRun(null, null, records, 0);
            }
            var storing = Stopwatch.StartNew();
            var stored = resilience.ModelStore.Execute(() => cache.Store.SaveEdit(modelName, number, candidate, ModelCache.Stored(head)));
            return new EditRun(candidate, stored, records, storing.Elapsed.TotalMilliseconds);
        }
        catch
        {
            candidate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Edits <paramref name="model"/> in place so that <paramref name="x"/> gets <paramref name="y"/> without breaking the
    /// <paramref name="kept"/> corrections. Only the kept corrections an edit would break join the next round's edit:
    /// most edits break none, and an editor trained for small edits fails on large batches it does not need.
    /// </summary>
    private static EditFigures EditKeeping(EditableModel model, Tensor x, Tensor y, KeptCorrections kept, int batchSize)
    {
        // Each round adds the corrections the previous one broke; they rarely need more than two.
        const int rounds = 6;
        using var scope = NewDisposeScope();
        var (inputs, targets) = (x, y);
        var (steps, latency, loss) = (0, 0.0, double.NaN);
        for (var round = 0; round < rounds; round++)
        {
            using var edit = model.Edit(inputs, targets);
            steps += edit.Steps;
            latency += edit.Latency.TotalMilliseconds;
            loss = edit.FinalLoss;
            if (!edit.Success)
            {
                break;
            }
            var broken = kept.BrokenBy(edit);
            if (broken is null)
            {
                model.Apply(edit);
                return new EditFigures(true, steps, loss, latency, batchSize);
            }
            (inputs, targets) = (cat([inputs, kept.X.index_select(0, broken)]), cat([targets, kept.Y.index_select(0, broken)]));
        }
        return new EditFigures(false, steps, loss, latency, batchSize, (int)(inputs.shape[0] - x.shape[0]));
    }

    /// <summary>
    /// The corrections an edit must not break, with their features (the activations below the editable layers). Edits
    /// only change the editable layers, so the features are computed once per candidate, not once per edit: with 256
    /// rehearsed corrections that was most of an edit's time.
    /// </summary>
    private sealed class KeptCorrections : IDisposable
    {
        private readonly EditableModel _model;

        public KeptCorrections(EditableModel model, Tensor x, Tensor y)
        {
            _model = model;
            (X, Y) = (x, y);
            Features = y.shape[0] > 0 ? model.Features(x) : null;
        }

        public Tensor X { get; private set; }

        public Tensor Y { get; private set; }

        private Tensor? Features { get; set; }

        /// <summary>Indices of the kept corrections that <paramref name="edit"/> would break, or null when it breaks none.</summary>
        public Tensor? BrokenBy(EditResult edit)
        {
            if (Features is null)
            {
                return null;
            }
            using var logits = _model.LogitsFromFeatures(Features, edit);
            var broken = logits.argmax(1).ne(Y).nonzero().flatten();
            return broken.shape[0] == 0 ? null : broken;
        }

        public void Add(Tensor x, Tensor y)
        {
            using var features = _model.Features(x);
            Replace(cat([X, x]), cat([Y, y]), Features is null ? features.alias() : cat([Features, features]));
        }

        private void Replace(Tensor x, Tensor y, Tensor features)
        {
            Dispose();
            (X, Y, Features) = (x, y, features);
        }

        public void Dispose()
        {
            X.Dispose();
            Y.Dispose();
            Features?.Dispose();
        }
    }

    /// <summary>Inputs (float32, flattened) and the labels they must get.</summary>
    private sealed record Constraints(float[] Inputs, long[] Targets);

    // Conflicts: earlier corrections the edit broke and tried to re-fix in its last round.
    private sealed record EditFigures(bool Success, int Steps, double Loss, double LatencyMs, int BatchSize, int Conflicts = 0);

    private sealed record EditRun(EditableModel? Model, StoredVersion? Stored, EditFigures[] Records, double StoreMs);

    private sealed record BuiltCandidate(long VersionId, EditableModel Model);
}
