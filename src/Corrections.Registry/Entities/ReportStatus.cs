namespace Corrections.Registry.Entities;

/// <summary>Where a report is on its way; <see cref="ReportLifecycle"/> holds the moves between them.</summary>
public enum ReportStatus
{
    Received,
    Rejected,
    Edited,
    Applied,
    Backlogged,

    /// <summary>From a producer that is not trusted: stored, and nothing more until an operator approves it.</summary>
    Held,
}
