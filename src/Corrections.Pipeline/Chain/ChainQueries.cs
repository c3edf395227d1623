using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Chain;

/// <summary>The registry reads the pipeline repeats: a model by name, what an alias points at, a version's ancestry.</summary>
public static class ChainQueries
{
    public static Task<RegisteredModel?> ModelAsync(this RegistryDbContext db, string name, CancellationToken cancellation) =>
        db.Models.SingleOrDefaultAsync(m => m.Name == name, cancellation);

    public static Task<ModelVersion?> AliasTargetAsync(this RegistryDbContext db, int modelId, string alias, CancellationToken cancellation) =>
        db.Aliases.Where(a => a.ModelId == modelId && a.Name == alias).Select(a => a.Version).SingleOrDefaultAsync(cancellation);

    public static Task<ModelVersion?> VersionAsync(this RegistryDbContext db, int modelId, int number, CancellationToken cancellation) =>
        db.Versions.SingleOrDefaultAsync(v => v.ModelId == modelId && v.Number == number, cancellation);

    public static Task<ModelVersion?> PendingAsync(this RegistryDbContext db, int modelId, CancellationToken cancellation) =>
        db.Versions.AsNoTracking().Where(v => v.ModelId == modelId && v.Status == VersionStatus.Pending)
            .OrderBy(v => v.Number).FirstOrDefaultAsync(cancellation);

    public static async Task<int> NextNumberAsync(this RegistryDbContext db, int modelId, CancellationToken cancellation) =>
        (await db.Versions.Where(v => v.ModelId == modelId).MaxAsync(v => (int?)v.Number, cancellation) ?? 0) + 1;

    /// <summary>
    /// The nearest ancestor (or the version itself) that was trained rather than edited: its non-editable weights, and so
    /// its cached activations, are shared by every edit built on it.
    /// </summary>
    public static async Task<ModelVersion> RootAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        if (version.Kind != VersionKind.Edit)
        {
            return version;
        }
        var rootId = (await db.LineageAsync(version, cancellation)).RootId;
        return await db.Versions.AsNoTracking().SingleAsync(v => v.Id == rootId, cancellation);
    }

    /// <summary>The edit versions between <paramref name="version"/> and its root, parent first, excluding the version itself.</summary>
    public static async Task<List<long>> EditAncestorsAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation) =>
        (await db.LineageAsync(version, cancellation)).EditAncestors;

    /// <summary>
    /// Walks from <paramref name="version"/> up to its root: one query for the model's whole (small) version table, then
    /// a walk in memory. The root is the version itself when it was trained rather than edited.
    /// </summary>
    public static async Task<VersionLineage> LineageAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        var links = await db.Versions.AsNoTracking().Where(v => v.ModelId == version.ModelId)
            .Select(v => new { v.Id, v.ParentId, v.Kind }).ToDictionaryAsync(v => v.Id, cancellation);
        var ids = new List<long>();
        var (rootId, kind, parentId) = (version.Id, version.Kind, version.ParentId);
        while (kind == VersionKind.Edit && parentId is { } id && links.TryGetValue(id, out var parent))
        {
            (rootId, kind, parentId) = (id, parent.Kind, parent.ParentId);
            if (kind == VersionKind.Edit)
            {
                ids.Add(id);
            }
        }
        return new VersionLineage(ids, rootId);
    }
}

/// <summary>A version's edit ancestors (parent first) and the id of the trained version they rest on.</summary>
public sealed record VersionLineage(List<long> EditAncestors, long RootId);
