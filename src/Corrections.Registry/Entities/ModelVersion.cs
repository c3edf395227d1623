namespace Corrections.Registry.Entities;

/// <summary>
/// One immutable set of weights. Versions form a chain through <see cref="ParentId"/>; the unique (model, number) index
/// is what stops two workers from silently forking a chain.
/// </summary>
public sealed class ModelVersion
{
    public long Id { get; set; }
    public int ModelId { get; set; }
    public RegisteredModel? Model { get; set; }
    public int Number { get; set; }
    public long? ParentId { get; set; }
    public ModelVersion? Parent { get; set; }
    public VersionKind Kind { get; set; }
    public required string Sha256 { get; set; }
    public required string StorageLocation { get; set; }
    public bool IsDelta { get; set; }
    public long Bytes { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public VersionStatus Status { get; set; }

    /// <summary>Why the gate rejected this version; null while pending or once accepted.</summary>
    public string? StatusReason { get; set; }
    public DateTimeOffset? ValidatedAt { get; set; }
}
