namespace Corrections.Pipeline.Queries;

/// <summary>
/// A model's reports by where they stand, and of those waiting for retraining, why (<see cref="Registry.Entities.BacklogCause"/>):
/// the backlog a dashboard shows beside the chain.
/// </summary>
public sealed record Backlog(string Model, int Backlogged, IReadOnlyDictionary<string, int> Causes, IReadOnlyDictionary<string, int> Statuses);
