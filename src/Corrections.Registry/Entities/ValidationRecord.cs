namespace Corrections.Registry.Entities;

/// <summary>
/// One validation set's verdict on one version. Drawdowns are percentage points of error: against the parent, against
/// the last base/retrain ancestor (cumulative), and against the version production held at the time.
/// </summary>
public sealed class ValidationRecord
{
    public long Id { get; set; }
    public long VersionId { get; set; }
    public required string SetName { get; set; }
    public int Examples { get; set; }
    public double ErrorRate { get; set; }
    public double ParentErrorRate { get; set; }
    public double BaseErrorRate { get; set; }
    public double? ProductionErrorRate { get; set; }
    public double DrawdownPp { get; set; }
    public double CumulativeDrawdownPp { get; set; }
    public double? ChangeVsProductionPp { get; set; }
    public bool Passed { get; set; }
    public string? Reason { get; set; }
    public double DurationMs { get; set; }
    public DateTimeOffset At { get; set; }
}
