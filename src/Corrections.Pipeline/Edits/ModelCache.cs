using Corrections.Editing;
using Corrections.Editing.Persistence;
using Corrections.Pipeline.Resilience;
using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Edits;

/// <summary>
/// Model versions held in memory, loaded from the store (hash-checked) on first use. Versions are immutable, so a
/// cached instance is shared; callers clone before they change one. Only call it inside the <see cref="ComputeGate"/>.
/// </summary>
public sealed class ModelCache(ModelStore store, ResiliencePipelines? resilience = null) : IDisposable
{
    // The head, a pending candidate, its base and production are what is in use at any time; a few more spare reloads
    // during rollbacks.
    private const int Capacity = 8;

    private readonly LinkedList<(long VersionId, EditableModel Model)> _entries = new();

    public ModelStore Store { get; } = store;

    public static StoredVersion Stored(ModelVersion version) => new(version.StorageLocation, version.Sha256, version.IsDelta, version.Bytes);

    public EditableModel Get(ModelVersion version)
    {
        for (var node = _entries.First; node is not null; node = node.Next)
        {
            if (node.Value.VersionId == version.Id)
            {
                _entries.Remove(node);
                _entries.AddFirst(node);
                return node.Value.Model;
            }
        }
        var model = resilience is null ? Store.Load(Stored(version)) : resilience.ModelStore.Execute(() => Store.Load(Stored(version)));
        Put(version.Id, model);
        return model;
    }

    /// <summary>Adds a model the caller built (a fresh candidate); the cache owns it from here on.</summary>
    public void Put(long versionId, EditableModel model)
    {
        _entries.AddFirst((versionId, model));
        while (_entries.Count > Capacity)
        {
            _entries.Last!.Value.Model.Dispose();
            _entries.RemoveLast();
        }
    }

    public void Dispose()
    {
        foreach (var (_, model) in _entries)
        {
            model.Dispose();
        }
        _entries.Clear();
    }
}
