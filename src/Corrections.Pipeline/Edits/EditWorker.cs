using System.Diagnostics;
using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Correcting;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Resilience;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        var deferred = TakeAloneFirst(reports);
        var claimedMs = timer.Elapsed.TotalMilliseconds;
        var head = await db.AliasTargetAsync(model.Id, settings.Alias, cancellation)
            ?? throw new InvalidOperationException($"Model '{model.Name}' has no '{settings.Alias}' version to edit; register and promote a base version first.");
        var fresh = CorrectionSet.Of(model.InputShape, reports.Select(r => (r.InputTensor ?? [], r.CorrectLabel)));
        var earlier = await EarlierAsync(model, head, cancellation);
        var number = await db.NextNumberAsync(model.Id, cancellation);
        var readMs = timer.Elapsed.TotalMilliseconds;
        var (edit, stored, storeMs) = await compute.Run(() => EditAndStore(model.Name, number, head, fresh, earlier));
        using var _ = edit;
        var editedMs = timer.Elapsed.TotalMilliseconds;

        var now = clock.GetUtcNow();
        if (stored is null)
        {
            foreach (var (report, record) in reports.Zip(edit.Edits))
            {
                Backlog(report, record);
            }
            await db.SaveChangesAsync(cancellation);
            log.LogWarning("No edit of {Count} report(s) for {Model} reached its label; all went to the backlog", reports.Count, model.Name);
            metrics.Backlogged("editor", reports.Count);
            return (new EditOutcome(null, 0, reports.Count, ids.Count - reports.Count - deferred.Count) { Deferred = deferred }, null);
        }

        var version = VersionRecords.Of(model.Id, number, head.Id, VersionKind.Edit, stored, settings.ResolvedWorkerName, now, VersionStatus.Pending);
        db.Versions.Add(version);
        await db.SaveChangesAsync(cancellation);
        var edited = 0;
        foreach (var (report, record) in reports.Zip(edit.Edits))
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
                report.MarkEdited(version.Id, now);
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
            number, model.Name, head.Number, edited, reports.Count - edited, stored.Bytes, stored.IsDelta ? " (delta)" : "",
            timer.Elapsed.TotalMilliseconds, claimedMs, readMs - claimedMs, editedMs - readMs,
            edit.Edits.Sum(r => r.LatencyMs) / (edit.Edits.Count == 0 ? 1 : edit.Edits[0].BatchSize), storeMs, timer.Elapsed.TotalMilliseconds - editedMs);
        var announcement = new CandidateCreated
        {
            Model = model.Name,
            Version = number,
            ParentVersion = head.Number,
            ReportIds = reports.Where((_, i) => edit.Edits[i].Success).Select(r => r.ReportId).ToList(),
            CreatedAt = now,
        };
        return (new EditOutcome(announcement, edited, reports.Count - edited, ids.Count - reports.Count - deferred.Count) { Deferred = deferred },
            new BuiltCandidate(version.Id, edit.TakeModel()));

        static void Backlog(Report report, CorrectionEdit record)
        {
            if (record.Conflicts > 0)
            {
                report.Backlog(BacklogCause.ConflictsWithEarlier, $"conflicts-with-earlier: label {report.CorrectLabel} and {record.Conflicts} earlier correction(s) it breaks not reached together within {record.Steps} step(s) (edit loss {record.Loss:G3})");
            }
            else
            {
                report.Backlog(BacklogCause.EditorFailed, $"editor-failed: label {report.CorrectLabel} not reached within {record.Steps} step(s) (edit loss {record.Loss:G3})");
            }
        }
    }

    /// <summary>
    /// A report sent back alone (<see cref="Report.EditAlone"/>) is edited in a candidate of its own. When the batch holds
    /// one, the rest are taken out of <paramref name="reports"/> and returned, for the caller to announce again.
    /// </summary>
    private static List<Guid> TakeAloneFirst(List<Report> reports)
    {
        if (reports.Count < 2 || reports.FirstOrDefault(r => r.EditAlone) is not { } alone)
        {
            return [];
        }
        var rest = reports.Where(r => r != alone).Select(r => r.ReportId).ToList();
        reports.RemoveAll(r => r != alone);
        return rest;
    }

    /// <summary>
    /// The corrections applied in the head's chain of edits since its trained version, most recent first: the earlier
    /// corrections every edit must keep (at most <see cref="PipelineOptions.EarlierCorrections"/>).
    /// </summary>
    private async Task<CorrectionSet> EarlierAsync(RegisteredModel model, ModelVersion head, CancellationToken cancellation)
    {
        var limit = options.Value.EarlierCorrections;
        var chain = await db.EditChainAsync(head, cancellation);
        if (limit == 0 || chain.Count == 0)
        {
            return new CorrectionSet(model.InputShape);
        }
        var earlier = await db.Reports.AsNoTracking()
            .Where(r => r.VersionId != null && chain.Contains(r.VersionId.Value) && r.Status == ReportStatus.Applied)
            .OrderByDescending(r => r.AppliedAt).Take(limit)
            .Select(r => new { r.InputTensor, r.CorrectLabel }).ToListAsync(cancellation);
        return CorrectionSet.Of(model.InputShape, earlier.Select(r => (r.InputTensor ?? [], r.CorrectLabel)));
    }

    /// <summary>Edits a clone of the head (see <see cref="ChainEditor"/>) and stores the candidate. Runs inside the compute gate.</summary>
    private (CandidateEdit Edit, StoredVersion? Stored, double StoreMs) EditAndStore(string modelName, int number, ModelVersion head, CorrectionSet fresh, CorrectionSet earlier)
    {
        var edit = ChainEditor.Edit(cache.Get(head), fresh, earlier, options.Value.EditMaxSteps);
        if (edit.Model is null)
        {
            return (edit, null, 0);
        }
        try
        {
            var storing = Stopwatch.StartNew();
            var stored = resilience.ModelStore.Execute(() => cache.Store.SaveEdit(modelName, number, edit.Model, ModelCache.Stored(head)));
            return (edit, stored, storing.Elapsed.TotalMilliseconds);
        }
        catch
        {
            edit.Dispose();
            throw;
        }
    }

    private sealed record BuiltCandidate(long VersionId, EditableModel Model);
}
