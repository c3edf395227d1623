using System.Diagnostics;
using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Ingest;
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
    ILogger<EditWorker> log)
{
    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(20);

    public async Task<EditOutcome> ApplyAsync(string modelName, IReadOnlyCollection<Guid> reportIds, Func<CandidateCreated, Task> announce, CancellationToken cancellation)
    {
        var model = await db.ModelAsync(modelName, cancellation)
            ?? throw new InvalidOperationException($"Model '{modelName}' is not registered (ingest accepted reports for it: was it deleted?).");
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            await WaitUntilNoPendingAsync(model, announce, waiting, cancellation);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
            await ChainLock.AcquireAsync(db, model.Id, cancellation);
            if (await db.PendingAsync(model.Id, cancellation) is not null)
            {
                // Another worker built a candidate between our check and the lock: wait for its validation.
                await transaction.RollbackAsync(cancellation);
                continue;
            }
            var (outcome, built) = await EditLockedAsync(model, reportIds, cancellation);
            await transaction.CommitAsync(cancellation);
            db.ChangeTracker.Clear();
            if (built is { } candidate)
            {
                await gate.RunAsync(() => { cache.Put(candidate.VersionId, candidate.Model); return 0; }, CancellationToken.None);
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

    private async Task<(EditOutcome, BuiltCandidate?)> EditLockedAsync(RegisteredModel model, IReadOnlyCollection<Guid> reportIds, CancellationToken cancellation)
    {
        var settings = options.Value;
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
        var edit = await gate.RunAsync(() => EditAndStore(model.Name, number, head, spec, new Constraints(inputs, targets), rehearsed), cancellation);

        var now = clock.GetUtcNow();
        if (edit.Stored is null)
        {
            foreach (var (report, record) in reports.Zip(edit.Records))
            {
                Backlog(report, record);
            }
            await db.SaveChangesAsync(cancellation);
            log.LogWarning("No edit of {Count} report(s) for {Model} reached its label; all went to the backlog", reports.Count, model.Name);
            return (new EditOutcome(null, 0, reports.Count, ids.Count - reports.Count), null);
        }

        var version = new ModelVersion
        {
            ModelId = model.Id,
            Number = number,
            ParentId = head.Id,
            Kind = VersionKind.Edit,
            Sha256 = edit.Stored.Sha256,
            StorageLocation = edit.Stored.Location,
            IsDelta = edit.Stored.IsDelta,
            Bytes = edit.Stored.Bytes,
            CreatedBy = settings.ResolvedWorkerName,
            CreatedAt = now,
            Status = VersionStatus.Pending,
        };
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
        log.LogInformation("Candidate v{Version} of {Model} on v{Parent}: {Edited} edited, {Backlogged} backlogged, {Bytes} bytes{Delta}",
            number, model.Name, head.Number, edited, reports.Count - edited, edit.Stored.Bytes, edit.Stored.IsDelta ? " (delta)" : "");
        var announcement = new CandidateCreated
        {
            Model = model.Name,
            Version = number,
            ParentVersion = head.Number,
            ReportIds = reports.Where((_, i) => edit.Records[i].Success).Select(r => r.ReportId).ToList(),
            CreatedAt = now,
        };
        return (new EditOutcome(announcement, edited, reports.Count - edited, ids.Count - reports.Count), new BuiltCandidate(version.Id, edit.Model!));

        void Backlog(Report report, EditFigures record)
        {
            report.Status = ReportStatus.Backlogged;
            report.BacklogReason = $"editor-failed: label {report.CorrectLabel} not reached within {record.Steps} step(s) (edit loss {record.Loss:G3})";
        }
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
    /// Edits a clone of the head so that the new inputs get their labels while the rehearsed earlier corrections keep
    /// theirs: the whole batch at once when the editor manages that, else report by report on top of each other, keeping
    /// the ones that reach their label. Runs inside the compute gate.
    /// </summary>
    private EditRun EditAndStore(string modelName, int number, ModelVersion head, ModelInputSpec spec, Constraints fresh, Constraints rehearsed)
    {
        var count = fresh.Targets.Length;
        var candidate = cache.Get(head).Clone();
        try
        {
            long[] Shape(int n) => [n, spec.Channels, spec.Height, spec.Width];
            using var x = tensor(fresh.Inputs, Shape(count));
            using var y = tensor(fresh.Targets, [count]);
            var keptX = tensor(rehearsed.Inputs, Shape(rehearsed.Targets.Length));
            var keptY = tensor(rehearsed.Targets, [rehearsed.Targets.Length]);
            var records = new EditFigures[count];
            using (var allX = cat([x, keptX]))
            using (var allY = cat([y, keptY]))
            using (var batch = candidate.Edit(allX, allY))
            {
                if (batch.Success)
                {
                    candidate.Apply(batch);
                    Array.Fill(records, new EditFigures(true, batch.Steps, batch.FinalLoss, batch.Latency.TotalMilliseconds, count));
                }
                else
                {
                    for (var i = 0; i < count; i++)
                    {
                        var xi = cat([x.narrow(0, i, 1), keptX]);
                        var yi = cat([y.narrow(0, i, 1), keptY]);
                        using var single = candidate.Edit(xi, yi);
                        records[i] = new EditFigures(single.Success, single.Steps, single.FinalLoss, single.Latency.TotalMilliseconds, 1);
                        if (single.Success)
                        {
                            // This fix is now one the next edits in the batch must keep too.
                            candidate.Apply(single);
                            (keptX, keptY) = Swap(keptX, keptY, xi, yi);
                        }
                        else
                        {
                            xi.Dispose();
                            yi.Dispose();
                        }
                    }
                }
            }
            keptX.Dispose();
            keptY.Dispose();
            if (!records.Any(r => r.Success))
            {
                candidate.Dispose();
                return new EditRun(null, null, records);
            }
            var stored = cache.Store.SaveEdit(modelName, number, candidate, ModelCache.Stored(head));
            return new EditRun(candidate, stored, records);
        }
        catch
        {
            candidate.Dispose();
            throw;
        }
    }

    private static (Tensor, Tensor) Swap(Tensor oldX, Tensor oldY, Tensor newX, Tensor newY)
    {
        oldX.Dispose();
        oldY.Dispose();
        return (newX, newY);
    }

    /// <summary>Inputs (float32, flattened) and the labels they must get.</summary>
    private sealed record Constraints(float[] Inputs, long[] Targets);

    private sealed record EditFigures(bool Success, int Steps, double Loss, double LatencyMs, int BatchSize);

    private sealed record EditRun(EditableModel? Model, StoredVersion? Stored, EditFigures[] Records);

    private sealed record BuiltCandidate(long VersionId, EditableModel Model);
}
