namespace Corrections.Contracts;

/// <summary>Version <see cref="Version"/> passed every validation set; <see cref="Figures"/> are what the gate measured.</summary>
public sealed record CandidateValidated
{
    public required string Model { get; init; }
    public required int Version { get; init; }
    public required IReadOnlyList<ValidationFigure> Figures { get; init; }
    public required DateTimeOffset ValidatedAt { get; init; }
}
