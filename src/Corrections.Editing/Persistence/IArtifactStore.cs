namespace Corrections.Editing.Persistence;

/// <summary>
/// A store of version files that every host reaches over the network (the registry's database, say), under the local
/// directory of a <see cref="ModelStore"/>: the directory becomes that host's cache. Content is addressed by its SHA-256,
/// the hash the registry records for every version, so it is written once and never changes; a file that reached the
/// store but never the registry (a host killed between the two) is only unused content.
/// </summary>
/// <remarks>
/// Calls are synchronous because the model store's are (they run on the compute thread). A failure to reach the store
/// is an <see cref="IOException"/>, which the callers' retry policies already treat as transient.
/// </remarks>
public interface IArtifactStore
{
    /// <summary>Stores the file at <paramref name="path"/>, whose SHA-256 is <paramref name="sha256"/>, streamed; nothing when it is held already.</summary>
    void Put(string sha256, string path);

    /// <summary>Streams the content of <paramref name="sha256"/> into <paramref name="destination"/>; false when the store does not hold it.</summary>
    bool TryGet(string sha256, Stream destination);
}
