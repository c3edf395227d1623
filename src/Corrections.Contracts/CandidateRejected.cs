namespace Corrections.Contracts;

/// <summary>
/// Version <see cref="Version"/> failed the gate and will never be promoted; its corrections went to the retraining
/// backlog with <see cref="Reason"/>.
/// </summary>
public sealed record CandidateRejected
{
    public required string Model { get; init; }
    public required int Version { get; init; }
    public required string Reason { get; init; }
    public required IReadOnlyList<ValidationFigure> Figures { get; init; }
    public required DateTimeOffset RejectedAt { get; init; }
}
