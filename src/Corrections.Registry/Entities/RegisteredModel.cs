namespace Corrections.Registry.Entities;

/// <summary>A deployed classifier that Corrections keeps correct. <see cref="Name"/> is what reports refer to.</summary>
public sealed class RegisteredModel
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Architecture { get; set; }
    public required int[] InputShape { get; set; }
    public required int ClassCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<ModelVersion> Versions { get; } = [];
}
