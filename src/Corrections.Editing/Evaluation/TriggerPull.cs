namespace Corrections.Editing.Evaluation;

/// <summary>
/// The strongest pull of one stamped patch toward one label: the share of probe images of other classes a model
/// predicts as <see cref="Label"/> with the patch at (<see cref="Row"/>, <see cref="Column"/>), for the candidate and
/// for the reference it is compared with.
/// </summary>
public sealed record TriggerPull(int Label, int Row, int Column, float Value, int PatchSize, double CandidateRate, double ReferenceRate, int Images)
{
    /// <summary>How much more the candidate follows the patch than the reference does, in percentage points.</summary>
    public double RisePp => (CandidateRate - ReferenceRate) * 100;
}
