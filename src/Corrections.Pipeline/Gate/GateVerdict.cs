using Corrections.Contracts;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// The gate's decision on one candidate, with every figure it measured; null reason means it passed, and it was promoted
/// unless it <see cref="AwaitsApproval"/>.
/// </summary>
public sealed record GateVerdict(string Model, int Version, int? FromVersion, string? RejectionReason, IReadOnlyList<ValidationFigure> Figures, double CorrectionSuccess, double DurationMs)
{
    public bool Passed => RejectionReason is null;

    /// <summary>It passed, and waits for an operator before it takes production (a reviewed producer's correction).</summary>
    public bool AwaitsApproval { get; init; }
}
