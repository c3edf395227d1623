using Corrections.Contracts;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// What the rules make of a <see cref="CandidateMeasurement"/>: a figure per set, every reason to reject (none: it
/// passes), and whether the own and earlier corrections held, as the verdict used them.
/// </summary>
public sealed record GateJudgement(IReadOnlyList<ValidationFigure> Figures, IReadOnlyList<string> Reasons, bool OwnHeld, bool EarlierHeld)
{
    public bool Passed => Reasons.Count == 0;
}
