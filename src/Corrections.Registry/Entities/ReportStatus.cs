namespace Corrections.Registry.Entities;

public enum ReportStatus
{
    Received,
    Rejected,
    Applied,
    Backlogged,
}
