using Corrections.Pipeline.Chain;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Producers;

/// <summary>
/// Revoking a producer takes its corrections out of production: for each model whose production version carries one
/// (its edit, or a retrain that folded it, anywhere up the lineage to the nearest base), production rolls back to the
/// newest accepted version that carries none, and every correction applied in the versions rolled past goes back to the
/// backlog with the reason: the producer's own for good (retraining skips revoked producers), the others' to be folded
/// in again by the next retrain.
/// </summary>
public sealed class ProducerRevocation(RegistryDbContext db, IOptions<PipelineOptions> options, TimeProvider clock)
{
    public async Task<IReadOnlyList<Withdrawal>> WithdrawAsync(string producer, string reason, string actor, CancellationToken cancellation)
    {
        var models = await db.Reports.AsNoTracking()
            .Where(r => r.Producer == producer && r.Status == ReportStatus.Applied)
            .Select(r => r.ModelName).Distinct().ToListAsync(cancellation);
        var done = new List<Withdrawal>();
        foreach (var name in models.Order(StringComparer.Ordinal))
        {
            if (await WithdrawAsync(name, producer, reason, actor, cancellation) is { } withdrawal)
            {
                done.Add(withdrawal);
            }
        }
        return done;
    }

    private async Task<Withdrawal?> WithdrawAsync(string name, string producer, string reason, string actor, CancellationToken cancellation)
    {
        db.ChangeTracker.Clear();
        var model = await db.ModelAsync(name, cancellation);
        if (model is null)
        {
            return null;
        }
        var alias = options.Value.Alias;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
        await ChainLock.AcquireAsync(db, model.Id, cancellation);
        var production = await db.AliasTargetAsync(model.Id, alias, cancellation);
        if (production is null)
        {
            return null;
        }
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == model.Id).ToDictionaryAsync(v => v.Id, cancellation);
        var applied = await db.Reports.Where(r => r.ModelName == name && r.Status == ReportStatus.Applied).ToListAsync(cancellation);
        // The versions that made one of its corrections: the edit that carries it, or the retrain that folded it.
        var tainted = applied.Where(r => r.Producer == producer)
            .SelectMany(r => new[] { r.VersionId, r.FoldedVersionId }).OfType<long>().ToHashSet();
        var carried = Carried(production.Id, versions);
        if (!carried.Overlaps(tainted))
        {
            return null;
        }
        var clean = versions.Values.Where(v => v.Status == VersionStatus.Accepted && !Carried(v.Id, versions).Overlaps(tainted))
            .MaxBy(v => v.Number);
        if (clean is null)
        {
            return new Withdrawal(name, production.Number, null, 0, 0);
        }
        var now = clock.GetUtcNow();
        await db.MoveAsync(model.Id, alias, clean, actor,
            $"producer {producer} revoked ({reason}): back to v{clean.Number}, the newest accepted version without its corrections", isRollback: true, now, cancellation);
        var kept = Carried(clean.Id, versions);
        var dropped = carried.Except(kept).ToHashSet();
        var withdrawn = applied.Where(r => (r.VersionId is { } v && dropped.Contains(v)) || (r.FoldedVersionId is { } f && dropped.Contains(f))).ToList();
        foreach (var report in withdrawn)
        {
            report.Withdraw(report.Producer == producer
                ? $"producer-revoked: {producer} was revoked ({reason}); production rolled back to v{clean.Number} without it"
                : $"rolled-back: production went back to v{clean.Number} to drop {producer}'s corrections; this one waits for retraining");
        }
        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
        return new Withdrawal(name, production.Number, clean.Number, withdrawn.Count, withdrawn.Count(r => r.Producer == producer));
    }

    /// <summary>
    /// The versions whose changes <paramref name="versionId"/> carries: itself and its parents up to, and including, the
    /// nearest base (a base's weights come from elsewhere, whatever it was registered on).
    /// </summary>
    private static HashSet<long> Carried(long versionId, IReadOnlyDictionary<long, ModelVersion> versions)
    {
        var carried = new HashSet<long>();
        for (long? id = versionId; id is { } at && versions.TryGetValue(at, out var version); id = version.ParentId)
        {
            carried.Add(at);
            if (version.Kind == VersionKind.Base)
            {
                break;
            }
        }
        return carried;
    }
}
