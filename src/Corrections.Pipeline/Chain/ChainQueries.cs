using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Chain;

/// <summary>The registry reads the pipeline repeats: a model by name, what an alias points at, a version's ancestry and lineage.</summary>
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
    /// The nearest ancestor (or the version itself) that was trained rather than edited: its weights outside the editable
    /// subset, and so its cached features, are shared by every edit built on it.
    /// </summary>
    public static async Task<ModelVersion> TrainedAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        if (version.Kind != VersionKind.Edit)
        {
            return version;
        }
        var trainedId = (await db.LineageAsync(version, cancellation)).TrainedId;
        return await db.Versions.AsNoTracking().SingleAsync(v => v.Id == trainedId, cancellation);
    }

    /// <summary>The edit versions from <paramref name="version"/> (when it is an edit) up to its trained version, nearest first.</summary>
    public static async Task<IReadOnlyList<long>> EditChainAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation) =>
        (await db.LineageAsync(version, cancellation)).EditChain;

    /// <summary>Every version from <paramref name="version"/> up to its root, nearest first, the version itself included.</summary>
    public static async Task<List<long>> AncestryAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        var parents = await db.Versions.AsNoTracking().Where(v => v.ModelId == version.ModelId).ToDictionaryAsync(v => v.Id, v => v.ParentId, cancellation);
        var ids = new List<long>();
        for (long? id = version.Id; id is { } at && parents.ContainsKey(at); id = parents[at])
        {
            ids.Add(at);
        }
        return ids;
    }

    /// <summary>The nearest registered base version at or above <paramref name="version"/>: the anchor every consolidation of its chain shares.</summary>
    /// <exception cref="InvalidOperationException">No base version lies above it.</exception>
    public static async Task<ModelVersion> BaseAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        var ids = await db.AncestryAsync(version, cancellation);
        var bases = await db.Versions.AsNoTracking().Where(v => ids.Contains(v.Id) && v.Kind == VersionKind.Base).ToListAsync(cancellation);
        return bases.OrderBy(v => ids.IndexOf(v.Id)).FirstOrDefault()
            ?? throw new InvalidOperationException($"v{version.Number} descends from no base version: a consolidation needs one as its anchor.");
    }

    /// <summary>
    /// Walks from <paramref name="version"/> up to its trained version: one query for the model's whole (small) version
    /// table, then a walk in memory.
    /// </summary>
    public static async Task<VersionLineage> LineageAsync(this RegistryDbContext db, ModelVersion version, CancellationToken cancellation)
    {
        var links = await db.Versions.AsNoTracking().Where(v => v.ModelId == version.ModelId)
            .Select(v => new { v.Id, v.ParentId, v.Kind }).ToDictionaryAsync(v => v.Id, v => (v.Kind, v.ParentId), cancellation);
        return Lineage(version.Id, links);
    }

    /// <summary>
    /// The walk itself, over a model's version links (id → kind and parent): for a caller that reads the version table
    /// once and needs several lineages from it (the gate: candidate, parent and production).
    /// </summary>
    public static VersionLineage Lineage(long versionId, IReadOnlyDictionary<long, (VersionKind Kind, long? ParentId)> links)
    {
        var chain = new List<long>();
        var id = versionId;
        var (kind, parentId) = links[id];
        while (kind == VersionKind.Edit)
        {
            chain.Add(id);
            if (parentId is not { } next || !links.TryGetValue(next, out var parent))
            {
                throw new InvalidOperationException($"Edit version {id} has no parent in the registry: an edit always rests on a trained version.");
            }
            (id, kind, parentId) = (next, parent.Kind, parent.ParentId);
        }
        return new VersionLineage(chain, id);
    }
}

/// <summary>
/// A version's chain of edits (the version itself first when it is an edit, then its edit ancestors) and the trained
/// version (base or retrain) they rest on; for a trained version the chain is empty and it is its own trained version.
/// </summary>
public sealed record VersionLineage(IReadOnlyList<long> EditChain, long TrainedId);
