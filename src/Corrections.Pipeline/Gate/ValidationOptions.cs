using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Gate;

/// <summary>The gate every candidate passes before promotion (section <c>Validation</c>).</summary>
public sealed class ValidationOptions
{
    public const string Section = "Validation";

    /// <summary>The named test sets a candidate is measured on; a model is only checked on sets that fit its input shape.</summary>
    public List<ValidationSetOptions> Sets { get; set; } = [];

    /// <summary>Share of a candidate's own corrections it must predict with the corrected label.</summary>
    [Range(0.0, 1.0)]
    public double MinCorrectionSuccess { get; set; } = 1.0;

    /// <summary>
    /// Share of the corrections applied earlier in the chain (since its base) that must still hold: sequential edits can
    /// undo each other, and a candidate that quietly breaks an earlier fix is not one to promote.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinEarlierCorrectionsHeld { get; set; } = 0.95;

    /// <summary>
    /// Share of the corrections a retrain folded in that it must predict. Lower than the others: the backlog it folds
    /// holds the corrections that conflicted with each other, and not all of those can hold at once.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinFoldedCorrectionsHeld { get; set; } = 0.9;

    /// <summary>
    /// The most a retrain or a consolidation may follow a stamped patch to one label more often than the chain's base does
    /// (<see cref="Corrections.Editing.Evaluation.TriggerProbe"/>, on the first validation set), in percentage points; null
    /// turns the probe off. Measured against the base, not the parent, so the budget cannot ratchet across consolidations.
    /// </summary>
    /// <remarks>
    /// 25 pp: honest retrains of the benchmark's model rose by 8.2 and 9.1 pp, the patch backdoor's by 87.1 pp
    /// (bench/poisoning.sh, 2026-12-01).
    /// </remarks>
    [Range(0.0, 100.0)]
    public double? MaxTriggerPullPp { get; set; } = 25.0;

    /// <summary>How many images of the first validation set the trigger probe stamps (each with 98 patches on 28 x 28).</summary>
    [Range(10, 10_000)]
    public int TriggerProbeImages { get; set; } = 200;
}
