using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Chain;

/// <summary>
/// An operator's decision on a candidate that passed the gate but carries a reviewed producer's correction
/// (<see cref="VersionStatus.AwaitingApproval"/>). Approving promotes it when it still rests on production; when
/// production moved meanwhile it would undo those versions, so its reports, approved, are edited again on production
/// instead (their next candidate needs no approval). Refusing rejects it and its reports. The database lets only an
/// operator's login do either.
/// </summary>
public sealed class CandidateApprovals(RegistryDbContext db, IOptions<PipelineOptions> options, TimeProvider clock)
{
    /// <summary>Every candidate awaiting approval, of one model or all, oldest first.</summary>
    public async Task<IReadOnlyList<(string Model, ModelVersion Version)>> ListAsync(string? model, CancellationToken cancellation) =>
        (await db.Versions.AsNoTracking()
            .Where(v => v.Status == VersionStatus.AwaitingApproval)
            .Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => new { m.Name, Version = v })
            .Where(x => model == null || x.Name == model)
            .OrderBy(x => x.Version.CreatedAt)
            .ToListAsync(cancellation))
        .Select(x => (x.Name, x.Version)).ToList();

    public async Task<ApprovalOutcome> ApproveAsync(string model, int number, string actor, CancellationToken cancellation)
    {
        var (registered, version, reports, transaction) = await OpenAsync(model, number, cancellation);
        await using var _ = transaction;
        var now = clock.GetUtcNow();
        reports.ForEach(r => r.ApproveCandidate(actor, now));
        var production = await db.AliasTargetAsync(registered.Id, options.Value.Alias, cancellation);
        ApprovalOutcome outcome;
        if (production?.Id == version.ParentId)
        {
            version.Status = VersionStatus.Accepted;
            await db.MoveAsync(registered.Id, options.Value.Alias, version, actor, $"approved by an operator after the gate ({version.StatusReason})", isRollback: false, now, cancellation);
            reports.ForEach(r => r.Apply(now));
            outcome = new ApprovalOutcome(model, number, production?.Number, Promoted: true, reports.Count);
        }
        else
        {
            version.Status = VersionStatus.Rejected;
            version.StatusReason = $"approved, but {options.Value.Alias} moved to v{production?.Number} while it waited: its {reports.Count} approved report(s) are edited again on it";
            reports.ForEach(r => r.SendBackAlone(now));
            outcome = new ApprovalOutcome(model, number, production?.Number, Promoted: false, reports.Count);
        }
        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
        return outcome;
    }

    public async Task<ApprovalOutcome> RefuseAsync(string model, int number, string reason, string actor, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("Refusing a candidate needs a reason for the audit log.", nameof(reason));
        }
        var (_, version, reports, transaction) = await OpenAsync(model, number, cancellation);
        await using var _ = transaction;
        version.Status = VersionStatus.Rejected;
        version.StatusReason = $"refused by {actor} after the gate: {reason}";
        reports.ForEach(r => r.Reject($"candidate-refused: v{number} was refused by an operator ({reason})"));
        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
        return new ApprovalOutcome(model, number, null, Promoted: false, reports.Count);
    }

    private async Task<(RegisteredModel, ModelVersion, List<Report>, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction)> OpenAsync(
        string model, int number, CancellationToken cancellation)
    {
        db.ChangeTracker.Clear();
        var registered = await db.ModelAsync(model, cancellation) ?? throw new InvalidOperationException($"No model named '{model}'.");
        var transaction = await db.Database.BeginTransactionAsync(cancellation);
        await ChainLock.AcquireAsync(db, registered.Id, cancellation);
        var version = await db.Versions.SingleOrDefaultAsync(v => v.ModelId == registered.Id && v.Number == number, cancellation);
        if (version is null || version.Status != VersionStatus.AwaitingApproval)
        {
            await transaction.DisposeAsync();
            throw new InvalidOperationException(version is null
                ? $"Model '{model}' has no version {number}."
                : $"v{number} of '{model}' is {version.Status.ToString().ToLowerInvariant()}, not awaiting approval; `corrections approve --list` shows those that are.");
        }
        var reports = await db.Reports.Where(r => r.VersionId == version.Id && r.Status == ReportStatus.Edited).ToListAsync(cancellation);
        return (registered, version, reports, transaction);
    }
}
