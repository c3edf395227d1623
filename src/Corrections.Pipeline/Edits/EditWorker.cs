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
/// Builds a model's next candidate from the reports waiting for it: edits the version the alias points at (held in
/// memory), stores the result as a delta when that is smaller, and records every edit. Chains are driven by events:
/// a pass runs when reports arrive and when the previous candidate is decided, and does nothing while a candidate is
/// pending (its verdict starts the next pass), so no one waits on another's verdict. One writer per chain: the
/// candidate is built under the model's chain lock, and only when no candidate is pending, so versions stay a line.
/// </summary>
public sealed class EditWorker(
    RegistryDbContext db,
    ModelCache cache,
    MemoryReference memory,
    ComputeGate gate,
    IOptions<PipelineOptions> options,
    TimeProvider clock,
    PipelineMetrics metrics,
    ResiliencePipelines resilience,
    ILogger<EditWorker> log)
{
    /// <summary>One pass over <paramref name="modelName"/>'s chain: a candidate of the oldest waiting reports, if the chain is free.</summary>
    public async Task<EditOutcome> NextAsync(string modelName, CancellationToken cancellation)
    {
        db.ChangeTracker.Clear();
        if (await db.ModelAsync(modelName, cancellation) is not { } model)
        {
            // A message for a model this registry never had (an old queue, a deleted model): nothing can wait for it.
            return EditOutcome.Nothing;
        }
        if (await db.PendingAsync(model.Id, cancellation) is { } pending)
        {
            return await BusyAsync(model, pending, cancellation);
        }
        if (!await db.Reports.AnyAsync(r => r.ModelName == modelName && r.Status == ReportStatus.Received, cancellation))
        {
            log.LogDebug("Pass over {Model}: no report waits", modelName);
            return EditOutcome.Nothing;
        }
        // The compute gate first, then the chain lock, never the other way round: a retraining run on this worker
        // holds the gate for minutes and then takes the chain lock to register its version. An edit that held the
        // chain lock while it waited for the gate deadlocked with it until the retrain's lock wait timed out.
        using var compute = await gate.HoldAsync(cancellation);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
        await ChainLock.AcquireAsync(db, model.Id, cancellation);
        if (await db.PendingAsync(model.Id, cancellation) is { } built)
        {
            // Another worker built a candidate between our check and the lock: its verdict starts the next pass.
            await transaction.RollbackAsync(cancellation);
            return await BusyAsync(model, built, cancellation);
        }
        var (outcome, candidate) = await EditLockedAsync(model, compute, cancellation);
        await transaction.CommitAsync(cancellation);
        db.ChangeTracker.Clear();
        if (candidate is { } made)
        {
            await compute.Run(() => { cache.Put(made.VersionId, made.Model); return 0; });
        }
        return outcome;
    }

    /// <summary>
    /// The chain is busy with <paramref name="pending"/>. When it has been pending for long, the worker that built it may
    /// have died between its commit and its announcement: the caller announces it again (the gate is idempotent).
    /// </summary>
    private async Task<EditOutcome> BusyAsync(RegisteredModel model, ModelVersion pending, CancellationToken cancellation)
    {
        // Debug: on a burst every report's pass lands here; the trace helps find a verdict that started no pass.
        log.LogDebug("Pass over {Model}: v{Version} pending since {CreatedAt}", model.Name, pending.Number, pending.CreatedAt);
        if (clock.GetUtcNow() - pending.CreatedAt <= TimeSpan.FromMilliseconds(options.Value.RepublishPendingAfterMs))
        {
            return EditOutcome.Nothing;
        }
        log.LogWarning("Candidate v{Version} of {Model} pending since {CreatedAt}; announcing it again", pending.Number, model.Name, pending.CreatedAt);
        return EditOutcome.Nothing with { Candidate = await AnnouncementAsync(model, pending, cancellation) };
    }

    private async Task<CandidateCreated> AnnouncementAsync(RegisteredModel model, ModelVersion version, CancellationToken cancellation)
    {
        var parent = await db.Versions.AsNoTracking().Where(v => v.Id == version.ParentId).Select(v => v.Number).SingleAsync(cancellation);
        var reports = await db.Reports.AsNoTracking().Where(r => r.VersionId == version.Id).Select(r => r.ReportId).ToListAsync(cancellation);
        return new CandidateCreated { Model = model.Name, Version = version.Number, ParentVersion = parent, ReportIds = reports, CreatedAt = version.CreatedAt };
    }

    private async Task<(EditOutcome, BuiltCandidate?)> EditLockedAsync(RegisteredModel model, ComputeGate.Hold compute, CancellationToken cancellation)
    {
        var settings = options.Value;
        var timer = Stopwatch.StartNew();
        // The waiting reports in queue order, whatever message triggered the pass: first come, first served, and a report
        // sent back by a rejection queues from then on, behind those already waiting (as a message sent again would).
        var reports = await db.Reports
            .Where(r => r.Status == ReportStatus.Received && r.ModelName == model.Name)
            .OrderBy(r => r.SentBackAt ?? r.ReceivedAt).ThenBy(r => r.ReportId)
            .Take(await BatchSizeAsync(model, cancellation))
            .ToListAsync(cancellation);
        if (reports.Count == 0)
        {
            return (EditOutcome.Nothing, null);
        }
        ChainBatches.TakeInTurn(reports);
        var claimedMs = timer.Elapsed.TotalMilliseconds;
        var head = await db.AliasTargetAsync(model.Id, settings.Alias, cancellation)
            ?? throw new InvalidOperationException($"Model '{model.Name}' has no '{settings.Alias}' version to edit; register and promote a base version first.");
        var fresh = CorrectionSet.Of(model.InputShape, reports.Select(r => (r.InputTensor ?? [], r.CorrectLabel)));
        var remembers = memory.Settings.Remembers(model.Name);
        // A remembering chain keeps every correction exactly: nothing earlier for an edit to keep.
        var earlier = remembers ? new CorrectionSet(model.InputShape) : await EarlierAsync(model, head, cancellation);
        var number = await db.NextNumberAsync(model.Id, cancellation);
        var readMs = timer.Elapsed.TotalMilliseconds;
        var (edit, stored, storeMs) = await compute.Run(() => EditAndStore(model.Name, number, head, fresh, earlier, remembers));
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
            return (new EditOutcome(null, 0, reports.Count), null);
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
        return (new EditOutcome(announcement, edited, reports.Count - edited), new BuiltCandidate(version.Id, edit.TakeModel()));

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

    private async Task<int> BatchSizeAsync(RegisteredModel model, CancellationToken cancellation)
    {
        var last = await db.Versions.AsNoTracking()
            .Where(v => v.ModelId == model.Id && v.Kind == VersionKind.Edit)
            .OrderByDescending(v => v.Number)
            .Select(v => new { v.Status, Reports = db.Edits.Count(e => e.VersionId == v.Id && e.Success) })
            .FirstOrDefaultAsync(cancellation);
        return ChainBatches.Size(last?.Status, last?.Reports ?? 0, options.Value.BatchMaxSize);
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

    /// <summary>
    /// Edits a clone of the head (see <see cref="ChainEditor"/>), or adds the corrections to its memory when the chain
    /// <paramref name="remembers"/> (<see cref="Remembering"/>), and stores the candidate. Runs inside the compute gate.
    /// </summary>
    private (CandidateEdit Edit, StoredVersion? Stored, double StoreMs) EditAndStore(string modelName, int number, ModelVersion head, CorrectionSet fresh, CorrectionSet earlier, bool remembers)
    {
        var model = cache.Get(head);
        var edit = remembers
            ? Remembering.Candidate(model, fresh, memory.Images, memory.For(model))
            : ChainEditor.Edit(model, fresh, earlier, options.Value.EditMaxSteps);
        if (edit.Model is null)
        {
            return (edit, null, 0);
        }
        try
        {
            var storing = Stopwatch.StartNew();
            var stored = resilience.ModelStore.Execute(() => cache.Store.SaveEdit(modelName, number, edit.Model, ModelCache.Stored(head), model));
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
