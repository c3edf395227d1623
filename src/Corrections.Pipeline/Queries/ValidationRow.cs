namespace Corrections.Pipeline.Queries;

/// <summary>
/// One figure of the gate's verdict on a version: a validation set, the own or earlier corrections, the trigger probe or
/// the worst class (<see cref="Gate.CandidateGate"/>'s row names).
/// </summary>
public sealed record ValidationRow(
    string Set, int Examples, double ErrorRate, double ParentErrorRate, double BaseErrorRate, double? ProductionErrorRate,
    double DrawdownPp, double CumulativeDrawdownPp, double? ChangeVsProductionPp, bool Passed, string? Reason, DateTimeOffset At);
