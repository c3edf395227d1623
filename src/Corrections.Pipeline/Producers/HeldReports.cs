using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Producers;

/// <summary>
/// Reports of producers that are not trusted wait here for an operator. Approving one makes it an ordinary waiting report
/// (the chain sweep finds it within seconds and the editor takes it, through the gate like any other); refusing one
/// rejects it for the audit. Approval records who and when on the report.
/// </summary>
public sealed class HeldReports(RegistryDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<Report>> ListAsync(HeldFilter filter, CancellationToken cancellation) =>
        await Held(filter).AsNoTracking().OrderBy(r => r.ReceivedAt).ToListAsync(cancellation);

    /// <returns>How many held reports were approved.</returns>
    public async Task<int> ApproveAsync(HeldFilter filter, string actor, CancellationToken cancellation)
    {
        var reports = await Tracked(filter, cancellation);
        var now = clock.GetUtcNow();
        foreach (var report in reports)
        {
            report.Approve(actor, now);
        }
        await db.SaveChangesAsync(cancellation);
        return reports.Count;
    }

    /// <returns>How many held reports were refused.</returns>
    public async Task<int> RefuseAsync(HeldFilter filter, string reason, string actor, CancellationToken cancellation)
    {
        var reports = await Tracked(filter, cancellation);
        foreach (var report in reports)
        {
            report.Reject($"refused: {actor} did not approve it ({reason})");
        }
        await db.SaveChangesAsync(cancellation);
        return reports.Count;
    }

    private async Task<List<Report>> Tracked(HeldFilter filter, CancellationToken cancellation)
    {
        if (filter.IsEmpty)
        {
            throw new ProducerException("Name the held reports: --id, --producer or --model.");
        }
        return await Held(filter).ToListAsync(cancellation);
    }

    private IQueryable<Report> Held(HeldFilter filter)
    {
        var held = db.Reports.Where(r => r.Status == ReportStatus.Held);
        if (filter.Ids.Count > 0)
        {
            var ids = filter.Ids.ToList();
            held = held.Where(r => ids.Contains(r.ReportId));
        }
        if (filter.Producer is { } producer)
        {
            held = held.Where(r => r.Producer == producer);
        }
        if (filter.Model is { } model)
        {
            held = held.Where(r => r.ModelName == model);
        }
        return held;
    }
}
