namespace Corrections.Contracts;

/// <summary>
/// A monitoring system saw <see cref="Model"/> at <see cref="ObservedVersion"/> predict <see cref="PredictedLabel"/>
/// where the truth is <see cref="CorrectLabel"/>. <see cref="ReportId"/> is the idempotency key: a repeated id is a no-op.
/// </summary>
public sealed record MisclassificationReported
{
    public required Guid ReportId { get; init; }
    public required string Model { get; init; }
    public int? ObservedVersion { get; init; }
    public required ReportedInput Input { get; init; }
    public required int PredictedLabel { get; init; }
    public required int CorrectLabel { get; init; }
    public required string Source { get; init; }
    public required DateTimeOffset ObservedAt { get; init; }
    public float? Confidence { get; init; }
}
