using Corrections.Contracts;

namespace Corrections.Pipeline.Edits;

/// <summary>What one edit pass did: the candidate it announced (if any), and how many reports went where.</summary>
public sealed record EditOutcome(CandidateCreated? Candidate, int Edited, int Backlogged, int Skipped);
