using Corrections.Pipeline.Gate;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Queries;

/// <summary>
/// The registry's reads, once, for every surface that shows them: the CLI's tables and <c>--json</c>, and the HTTP API.
/// Nothing here writes. A model or version that does not exist is null, for the caller to say so its own way.
/// </summary>
public static class RegistryQueries
{
    public static async Task<IReadOnlyList<ReportRow>> ReportsAsync(this RegistryDbContext db, ReportFilter filter, CancellationToken cancellation)
    {
        var query = db.Reports.AsNoTracking();
        if (filter.Model is not null)
        {
            query = query.Where(r => r.ModelName == filter.Model);
        }
        if (filter.Producer is not null)
        {
            query = query.Where(r => r.Producer == filter.Producer);
        }
        if (filter.Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }
        if (filter.Since is { } since)
        {
            query = query.Where(r => r.ReceivedAt >= since);
        }
        if (filter.Until is { } until)
        {
            query = query.Where(r => r.ReceivedAt < until);
        }
        return await Rows(db, query.OrderByDescending(r => r.ReceivedAt).Take(filter.Limit)).ToListAsync(cancellation);
    }

    public static Task<ReportRow?> ReportAsync(this RegistryDbContext db, Guid id, CancellationToken cancellation) =>
        Rows(db, db.Reports.AsNoTracking().Where(r => r.ReportId == id)).SingleOrDefaultAsync(cancellation);

    public static async Task<IReadOnlyList<ModelRow>> ModelsAsync(this RegistryDbContext db, CancellationToken cancellation) =>
        await ModelRows(db, db.Models.AsNoTracking().OrderBy(m => m.Name), cancellation);

    public static async Task<ModelRow?> ModelRowAsync(this RegistryDbContext db, string name, CancellationToken cancellation) =>
        (await ModelRows(db, db.Models.AsNoTracking().Where(m => m.Name == name), cancellation)).SingleOrDefault();

    /// <summary>The model's reports counted by status, and its backlog by cause; null when no such model is registered.</summary>
    public static async Task<Backlog?> BacklogAsync(this RegistryDbContext db, string model, CancellationToken cancellation)
    {
        if (await ModelIdAsync(db, model, cancellation) is null)
        {
            return null;
        }
        var reports = db.Reports.AsNoTracking().Where(r => r.ModelName == model);
        var statuses = await reports.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellation);
        var causes = await reports.Where(r => r.Status == ReportStatus.Backlogged)
            .GroupBy(r => r.BacklogCause).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellation);
        return new Backlog(model, causes.Sum(c => c.Count),
            causes.ToDictionary(c => c.Key?.ToString() ?? "Unknown", c => c.Count),
            statuses.ToDictionary(s => s.Key.ToString(), s => s.Count));
    }

    /// <summary>Every version of <paramref name="model"/>, oldest first; null when no such model is registered.</summary>
    public static async Task<IReadOnlyList<VersionRow>?> VersionsAsync(this RegistryDbContext db, string model, CancellationToken cancellation) =>
        await ModelIdAsync(db, model, cancellation) is { } id ? await RowsAsync(db, id, only: null, cancellation) : null;

    private static Task<int?> ModelIdAsync(RegistryDbContext db, string model, CancellationToken cancellation) =>
        db.Models.AsNoTracking().Where(m => m.Name == model).Select(m => (int?)m.Id).SingleOrDefaultAsync(cancellation);

    /// <summary>The rows of a model's versions, or of version <paramref name="only"/>: the counts and figures are read for those alone.</summary>
    private static async Task<IReadOnlyList<VersionRow>> RowsAsync(RegistryDbContext db, int modelId, int? only, CancellationToken cancellation)
    {
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == modelId && (only == null || v.Number == only))
            .OrderBy(v => v.Number).ToListAsync(cancellation);
        var parents = versions.Select(v => v.ParentId).OfType<long>().ToList();
        var numbers = await db.Versions.AsNoTracking().Where(v => parents.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Number, cancellation);
        var aliases = await db.Aliases.AsNoTracking().Where(a => a.ModelId == modelId).ToListAsync(cancellation);
        var ids = versions.Select(v => v.Id).ToList();
        var corrections = await db.Reports.AsNoTracking().Where(r => r.VersionId != null && ids.Contains(r.VersionId.Value))
            .GroupBy(r => r.VersionId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellation);
        // The first real validation set stands for the version in a list; the detail has every figure.
        var figures = (await db.Validations.AsNoTracking()
                .Where(v => ids.Contains(v.VersionId) && v.SetName != CandidateGate.OwnCorrections && v.SetName != CandidateGate.EarlierCorrections
                    && v.SetName != CandidateGate.TriggerProbeSet && !v.SetName.StartsWith(CandidateGate.WorstClassPrefix))
                .OrderBy(v => v.Id).ToListAsync(cancellation))
            .GroupBy(v => v.VersionId).ToDictionary(g => g.Key, g => g.First());
        return [.. versions.Select(v =>
        {
            figures.TryGetValue(v.Id, out var f);
            return new VersionRow(
                v.Number, v.Kind.ToString(), v.Status.ToString(), v.ParentId is { } p ? numbers[p] : null,
                aliases.FirstOrDefault(a => a.VersionId == v.Id)?.Name, corrections.GetValueOrDefault(v.Id),
                f is null ? null : f.ErrorRate * 100, f?.DrawdownPp, f?.CumulativeDrawdownPp, v.CreatedBy, v.CreatedAt, v.StatusReason, v.Bytes, v.IsDelta);
        })];
    }

    /// <summary>Version <paramref name="number"/> of <paramref name="model"/> in full; null when either does not exist.</summary>
    public static async Task<VersionDetail?> VersionAsync(this RegistryDbContext db, string model, int number, CancellationToken cancellation)
    {
        if (await ModelIdAsync(db, model, cancellation) is not { } modelId || (await RowsAsync(db, modelId, number, cancellation)) is not [var row])
        {
            return null;
        }
        var version = await db.Versions.AsNoTracking().SingleAsync(v => v.ModelId == modelId && v.Number == number, cancellation);
        var validations = await db.Validations.AsNoTracking().Where(v => v.VersionId == version.Id).OrderBy(v => v.Id)
            .Select(v => new ValidationRow(v.SetName, v.Examples, v.ErrorRate, v.ParentErrorRate, v.BaseErrorRate, v.ProductionErrorRate,
                v.DrawdownPp, v.CumulativeDrawdownPp, v.ChangeVsProductionPp, v.Passed, v.Reason, v.At))
            .ToListAsync(cancellation);
        return new VersionDetail(row, version.Sha256, validations, await db.LineageAsync(version, cancellation));
    }

    /// <summary>
    /// How <paramref name="version"/> came to be: its ancestors back to the first (parent links), each with the reports
    /// whose edit it carries, oldest first.
    /// </summary>
    public static async Task<IReadOnlyList<LineageStep>> LineageAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == version.ModelId).ToDictionaryAsync(v => v.Id, cancellation);
        var chain = new List<ModelVersion> { versions[version.Id] };
        while (chain[^1].ParentId is { } parent)
        {
            chain.Add(versions[parent]);
        }
        chain.Reverse();
        var ids = chain.Select(v => v.Id).ToList();
        var reports = await db.Reports.AsNoTracking().Where(r => r.VersionId != null && ids.Contains(r.VersionId.Value)).ToListAsync(cancellation);
        var reportIds = reports.Select(r => r.ReportId).ToList();
        var steps = await db.Edits.AsNoTracking().Where(e => reportIds.Contains(e.ReportId) && e.Success)
            .ToDictionaryAsync(e => (e.ReportId, e.VersionId), e => e.Steps, cancellation);
        return [.. chain.Select(v => new LineageStep(v.Number, v.Kind.ToString(), v.Status.ToString(), v.CreatedBy, v.CreatedAt,
            [.. reports.Where(r => r.VersionId == v.Id).OrderBy(r => r.ReceivedAt).Select(r => new CarriedReport(
                r.ReportId, r.Source, r.PredictedLabel, r.CorrectLabel, r.ObservedAt, r.ReceivedAt,
                steps.TryGetValue((r.ReportId, v.Id), out var s) ? s : null))]))];
    }

    private static IQueryable<ReportRow> Rows(RegistryDbContext db, IQueryable<Report> reports) =>
        reports.Select(r => new ReportRow(r.ReportId, r.ModelName, r.Status.ToString(), r.Producer, r.Source, r.PredictedLabel, r.CorrectLabel,
            r.ObservedAt, r.ReceivedAt, r.EditedAt, r.AppliedAt,
            db.Versions.Where(v => v.Id == r.VersionId).Select(v => (int?)v.Number).FirstOrDefault(), r.RejectionReason ?? r.BacklogReason));

    private static async Task<IReadOnlyList<ModelRow>> ModelRows(RegistryDbContext db, IQueryable<RegisteredModel> models, CancellationToken cancellation)
    {
        var found = await models.Select(m => new
        {
            Model = m,
            Versions = db.Versions.Count(v => v.ModelId == m.Id),
            Aliases = db.Aliases.Where(a => a.ModelId == m.Id)
                .Select(a => new { a.Name, Number = db.Versions.Where(v => v.Id == a.VersionId).Select(v => v.Number).First() }).ToList(),
        }).ToListAsync(cancellation);
        return [.. found.Select(f => new ModelRow(f.Model.Name, f.Model.Architecture, f.Model.InputShape, f.Model.ClassCount, f.Model.CreatedAt, f.Versions,
            f.Aliases.ToDictionary(a => a.Name, a => a.Number)))];
    }
}
