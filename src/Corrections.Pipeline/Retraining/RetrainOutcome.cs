namespace Corrections.Pipeline.Retraining;

/// <summary>
/// A retraining run: the pending version it registered and what went in; or no version, with <see cref="Skipped"/>
/// saying why (<see cref="NothingToFold"/>, <see cref="OverCleanLimit"/>, or a <see cref="ScheduledCondition"/> code) and the note explaining it.
/// </summary>
public sealed record RetrainOutcome(string Model, int? Version, int ParentVersion, int StartVersion, int Corrections, TimeSpan Duration, string? Note, string? Skipped = null)
{
    public const string NothingToFold = "nothing";

    /// <summary>A consolidation over its clean limit at every share of the way tried: nothing registered.</summary>
    public const string OverCleanLimit = "clean-limit";
}
