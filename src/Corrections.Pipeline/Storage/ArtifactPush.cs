using Corrections.Editing.Persistence;
using Corrections.Registry;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Storage;

/// <summary>
/// The step when a deployment moves from a shared directory to the database's artifact store: every registered version
/// whose file this host's directory holds, with the hash the registry recorded, is put in the database (content there
/// already is left alone). Versions whose file is missing or changed here are named, since another host may hold them.
/// </summary>
public sealed class ArtifactPush(RegistryDbContext db, ModelStore store)
{
    /// <summary>What one push found: locations relative to the store's root.</summary>
    public sealed record Outcome(int Versions, int Pushed, IReadOnlyList<string> Missing, IReadOnlyList<string> Changed);

    /// <exception cref="InvalidOperationException">The store has no shared store behind it (<c>Pipeline:ArtifactStore=directory</c>).</exception>
    public async Task<Outcome> RunAsync(Action<int, int>? progress, CancellationToken cancellation)
    {
        var shared = store.Shared ?? throw new InvalidOperationException(
            "Pipeline:ArtifactStore is 'directory': there is no shared store to push to. Set Pipeline:ArtifactStore=postgres (CORRECTIONS_PIPELINE__ARTIFACTSTORE).");
        var versions = await db.Versions.AsNoTracking().OrderBy(v => v.Id).Select(v => new { v.StorageLocation, v.Sha256 }).ToListAsync(cancellation);
        var (pushed, missing, changed) = (0, new List<string>(), new List<string>());
        foreach (var (version, index) in versions.Select((v, i) => (v, i)))
        {
            var path = Path.Combine(store.Root, version.StorageLocation);
            if (!File.Exists(path))
            {
                missing.Add(version.StorageLocation);
            }
            else if (TensorArchive.Sha256(path) != version.Sha256)
            {
                changed.Add(version.StorageLocation);
            }
            else
            {
                await Task.Run(() => shared.Put(version.Sha256, path), cancellation);
                pushed++;
            }
            progress?.Invoke(index + 1, versions.Count);
        }
        return new Outcome(versions.Count, pushed, missing, changed);
    }
}
