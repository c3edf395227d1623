using Corrections.Editing.Persistence;
using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Chain;

/// <summary>The registry row for a model version just written to the store: base, edit and retrain alike.</summary>
public static class VersionRecords
{
    public static ModelVersion Of(int modelId, int number, long? parentId, VersionKind kind, StoredVersion stored, string actor, DateTimeOffset now, VersionStatus status) => new()
    {
        ModelId = modelId,
        Number = number,
        ParentId = parentId,
        Kind = kind,
        Sha256 = stored.Sha256,
        StorageLocation = stored.Location,
        IsDelta = stored.IsDelta,
        Bytes = stored.Bytes,
        CreatedBy = actor,
        CreatedAt = now,
        Status = status,
        // A version registered as accepted was decided when it was made; the others wait for the gate.
        ValidatedAt = status == VersionStatus.Pending ? null : now,
    };
}
