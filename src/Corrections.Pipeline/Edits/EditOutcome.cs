using Corrections.Contracts;

namespace Corrections.Pipeline.Edits;

/// <summary>
/// What one pass over a chain did: the candidate to announce (a new one, or a pending one whose announcement looks
/// lost), and how many reports were edited into it or went to the backlog.
/// </summary>
public sealed record EditOutcome(CandidateCreated? Candidate, int Edited, int Backlogged)
{
    /// <summary>Nothing to do: no report waits, or the chain is busy with a candidate the gate has not decided yet.</summary>
    public static EditOutcome Nothing { get; } = new(null, 0, 0);
}
