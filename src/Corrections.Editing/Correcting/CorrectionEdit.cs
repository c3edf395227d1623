namespace Corrections.Editing.Correcting;

/// <summary>
/// How the editor fared on one correction of a candidate: whether it took, the editor steps and final edit loss, the
/// editor's time, how many corrections were edited together, and — when it failed — how many earlier corrections it
/// broke and tried to re-fix in its last round (0: the editor alone could not reach the label).
/// </summary>
public sealed record CorrectionEdit(bool Success, int Steps, double Loss, double LatencyMs, int BatchSize, int Conflicts = 0);
