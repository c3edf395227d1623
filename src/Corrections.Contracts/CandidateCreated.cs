namespace Corrections.Contracts;

/// <summary>The edit worker stored version <see cref="Version"/> of <see cref="Model"/>, built on <see cref="ParentVersion"/>; it awaits validation.</summary>
public sealed record CandidateCreated
{
    public required string Model { get; init; }
    public required int Version { get; init; }
    public required int ParentVersion { get; init; }
    public required IReadOnlyList<Guid> ReportIds { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
