using Corrections.Contracts;

namespace Corrections.Pipeline.Gate;

/// <summary>The gate's decision on one candidate, with every figure it measured; null reason means it passed.</summary>
public sealed record GateVerdict(string Model, int Version, int? FromVersion, string? RejectionReason, IReadOnlyList<ValidationFigure> Figures, double CorrectionSuccess, double DurationMs)
{
    public bool Passed => RejectionReason is null;
}
