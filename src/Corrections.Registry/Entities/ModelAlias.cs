namespace Corrections.Registry.Entities;

/// <summary>A movable name (<c>production</c>, <c>staging</c>) pointing at one version of a model.</summary>
public sealed class ModelAlias
{
    public int ModelId { get; set; }
    public required string Name { get; set; }
    public long VersionId { get; set; }
    public ModelVersion? Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
