namespace Corrections.Registry.Entities;

/// <summary>What the editor did for one report in one candidate: steps, final edit loss, latency, success.</summary>
public sealed class EditRecord
{
    public long Id { get; set; }
    public long VersionId { get; set; }
    public Guid ReportId { get; set; }
    public int Steps { get; set; }
    public double Loss { get; set; }
    public double LatencyMs { get; set; }
    public bool Success { get; set; }

    /// <summary>How many reports were edited together in the call that produced this record.</summary>
    public int BatchSize { get; set; }
    public DateTimeOffset At { get; set; }
}
