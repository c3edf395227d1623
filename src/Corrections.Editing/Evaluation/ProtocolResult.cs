namespace Corrections.Editing.Evaluation;

/// <summary>
/// One row of the benchmark table: a model × protocol × method. Percentages are in [0, 100]; drawdown in
/// percentage points. <see cref="Curve"/> holds the sequential protocol's cumulative drawdown after each correction.
/// </summary>
public sealed record ProtocolResult
{
    public required string Model { get; init; }
    public required string Protocol { get; init; }
    public required string Method { get; init; }
    public required string Editor { get; init; }
    public required string EvaluationSet { get; init; }
    public required int Edits { get; init; }
    public required double DrawdownPp { get; init; }
    public required double SuccessRate { get; init; }
    public required double MeanSteps { get; init; }
    public required double MedianSteps { get; init; }
    public required double TestErrorPct { get; init; }
    public double FlipRatePct { get; init; }
    public double LatencyP50Ms { get; init; }
    public double LatencyP99Ms { get; init; }

    /// <summary>Sequential: share of earlier corrections still holding at the end. Generalization: share of augmented views that take the target.</summary>
    public double? HoldRatePct { get; init; }
    public IReadOnlyList<double>? Curve { get; init; }
    public double Seconds { get; init; }
}
