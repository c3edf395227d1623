namespace Corrections.Contracts;

/// <summary>One validation set's figures for a candidate; drawdowns are in percentage points of test error.</summary>
public sealed record ValidationFigure
{
    public required string Set { get; init; }
    public required double ErrorRate { get; init; }
    public required double DrawdownPp { get; init; }
    public required double CumulativeDrawdownPp { get; init; }
    public double? ChangeVsProductionPp { get; init; }
    public required bool Passed { get; init; }
}
