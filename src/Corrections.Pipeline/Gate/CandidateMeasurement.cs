namespace Corrections.Pipeline.Gate;

/// <summary>
/// Everything the gate measured of a candidate: each validation set, the share of its own corrections it predicts,
/// the share of the earlier corrections still held (and how many there are), the trigger probe's strongest pull (for a
/// retrain or a consolidation), or why its model file is unusable.
/// </summary>
public sealed record CandidateMeasurement(
    IReadOnlyList<SetMeasurement> Sets, double CorrectionSuccess, double EarlierHeld, int EarlierCount, string? Unusable = null,
    Corrections.Editing.Evaluation.TriggerPull? Trigger = null, int? TriggerReferenceNumber = null);
