namespace Corrections.Pipeline.Retraining;

/// <summary>A retraining run: the pending version it registered (null when there was nothing to fold) and what went in.</summary>
public sealed record RetrainOutcome(string Model, int? Version, int ParentVersion, int StartVersion, int Corrections, TimeSpan Duration, string? Note);
