using Corrections.Contracts;

namespace Corrections.Pipeline.Edits;

/// <summary>
/// What one edit pass did: the candidate it announced (if any), how many reports went where, and the reports it left
/// waiting for a later pass (<see cref="Deferred"/>: the caller announces them again).
/// </summary>
public sealed record EditOutcome(CandidateCreated? Candidate, int Edited, int Backlogged, int Skipped)
{
    public IReadOnlyList<Guid> Deferred { get; init; } = [];
}
