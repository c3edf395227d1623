using Corrections.Editing.Persistence;
using Corrections.Pipeline.Edits;
using Corrections.Registry;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Queries;

/// <summary>
/// A version as a file another system can load: edits are stored as deltas on their parent, so a version is
/// materialised in full (its chain resolved, hashes checked on the way) once per format, under the store's
/// <c>.artifacts/</c>, and served from there. Files are deterministic, so the SHA-256 names the content.
/// </summary>
public sealed class Artifacts(RegistryDbContext db, ModelCache models, ModelStore store, ComputeGate gate)
{
    /// <summary>
    /// The SHA-256 a promotion or rollback announces (<c>ModelPromoted.Sha256</c>): the version's <c>.ctm</c> artifact's,
    /// which for a delta is materialised now (so the serving system's fetch also finds it ready).
    /// </summary>
    /// <remarks>
    /// Null, not an exception, when the file cannot be written or fails its hash: the move is committed already, and its
    /// announcement must still go out (a fetch then reports the problem where it can be seen).
    /// </remarks>
    public async Task<string?> Sha256Async(string model, int number, CancellationToken cancellation)
    {
        // A version stored whole is its own .ctm artifact, whose hash the registry recorded: nothing to read or write
        // on the promotion's path. Only a delta is materialised.
        var stored = await db.Versions.AsNoTracking()
            .Where(v => v.Number == number && db.Models.Any(m => m.Id == v.ModelId && m.Name == model))
            .Select(v => new { v.IsDelta, v.Sha256 }).SingleOrDefaultAsync(cancellation);
        if (stored is null || !stored.IsDelta)
        {
            return stored?.Sha256;
        }
        try
        {
            return (await MaterialiseAsync(model, number, ArtifactFormat.Ctm, cancellation))?.Sha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Editing.Data.DataFormatException)
        {
            return null;
        }
    }

    /// <summary>Version <paramref name="number"/> of <paramref name="model"/> as a whole file; null when it does not exist.</summary>
    public async Task<Artifact?> MaterialiseAsync(string model, int number, ArtifactFormat format, CancellationToken cancellation)
    {
        var version = await db.Versions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.Number == number && db.Models.Any(m => m.Id == v.ModelId && m.Name == model), cancellation);
        if (version is null)
        {
            return null;
        }
        if (format == ArtifactFormat.Ctm && !version.IsDelta)
        {
            // Stored whole already: the stored file is the artifact, its recorded hash checked as every load checks it.
            var (stored, sha256) = store.Local(ModelCache.Stored(version));
            return sha256 == version.Sha256 ? new Artifact(model, number, format, stored, sha256)
                : throw new Editing.Data.DataFormatException($"v{number} of '{model}' changed on disk: its file hashes to {sha256}, the registry recorded {version.Sha256}.");
        }
        var path = Path.Combine(store.Root, ".artifacts", model, $"{number}{(format == ArtifactFormat.Safetensors ? SafeTensors.Extension : ".ctm")}");
        if (!File.Exists(path))
        {
            // Written atomically: two requests at once each write a whole file and one rename wins. Inside the compute
            // gate, as every use of a cached model: on the caller's thread it raced the gate's work for the cache, and
            // an eviction there could free a model the gate was using.
            await gate.RunAsync(() =>
            {
                models.Get(version).Save(path);
                return 0;
            }, cancellation);
        }
        return new Artifact(model, number, format, path, TensorArchive.Sha256(path));
    }
}
