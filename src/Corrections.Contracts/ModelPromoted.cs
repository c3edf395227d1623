namespace Corrections.Contracts;

/// <summary>Alias <see cref="Alias"/> of <see cref="Model"/> moved forward to <see cref="Version"/>.</summary>
public sealed record ModelPromoted
{
    public required string Model { get; init; }
    public required string Alias { get; init; }
    public int? FromVersion { get; init; }
    public required int Version { get; init; }
    public required string Reason { get; init; }
    public required string Actor { get; init; }
    public required DateTimeOffset PromotedAt { get; init; }
}
