namespace Corrections.Registry.Entities;

/// <summary>Where a report is on its way: <c>Received → Edited → Applied</c>, or <c>Rejected</c>, or <c>Backlogged</c> for retraining.</summary>
public enum ReportStatus
{
    Received,
    Rejected,
    Edited,
    Applied,
    Backlogged,
}
