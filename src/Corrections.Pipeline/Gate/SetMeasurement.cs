namespace Corrections.Pipeline.Gate;

/// <summary>
/// A candidate's error on one validation set, beside its parent's, its trained version's (for a retrain or a
/// consolidation, the chain's pinned base's: what its cumulative drawdown is measured against) and production's, in
/// [0, 1]; and per class, beside the chain's pinned base (<paramref name="BaseNumber"/>).
/// </summary>
public sealed record SetMeasurement(
    ValidationSetOptions Set, int Examples, double Error, double ParentError, double TrainedError, double? ProductionError, double DurationMs,
    IReadOnlyList<double>? ClassErrors = null, IReadOnlyList<double>? BaseClassErrors = null, int? BaseNumber = null);
