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
        var ancestors = await db.EditAncestorsAsync(version, cancellation);
        // The walk stopped at the first non-edit ancestor: the parent of the last edit in the list (or of the version).
        var oldestEdit = ancestors.Count == 0 ? version.Id : ancestors[^1];
        var lastEdit = ancestors.Count == 0 ? version.ParentId : await db.Versions.AsNoTracking().Where(v => v.Id == oldestEdit).Select(v => v.ParentId).SingleAsync(cancellation);
        return await db.Versions.AsNoTracking().SingleAsync(v => v.Id == lastEdit, cancellation);
    }

    /// <summary>
    /// The edit versions between <paramref name="version"/> and its root, parent first, excluding the version itself.
    /// One query for the model's whole (small) version table, then a walk in memory.
    /// </summary>
    public static async Task<List<long>> EditAncestorsAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        var links = await db.Versions.AsNoTracking().Where(v => v.ModelId == version.ModelId)
            .Select(v => new { v.Id, v.ParentId, v.Kind }).ToDictionaryAsync(v => v.Id, cancellation);
        var ids = new List<long>();
        var parentId = version.ParentId;
        while (parentId is { } id && links.TryGetValue(id, out var parent) && parent.Kind == VersionKind.Edit)
        {
            ids.Add(id);
            parentId = parent.ParentId;
        }
        return ids;
    }
}
