namespace Corrections.Registry.Entities;

/// <summary>
/// The moves a report may make, in one place: every status change is a method of <see cref="Report"/> that asks
/// <see cref="Check"/> first. The README's state diagram is checked against <see cref="Moves"/> by a test.
/// </summary>
public static class ReportLifecycle
{
    /// <summary>Every allowed move, with the method of <see cref="Report"/> that makes it.</summary>
    public static IReadOnlyList<(ReportStatus From, ReportStatus To, string Move)> Moves { get; } =
    [
        (ReportStatus.Received, ReportStatus.Rejected, nameof(Report.Reject)),
        (ReportStatus.Received, ReportStatus.Edited, nameof(Report.MarkEdited)),
        (ReportStatus.Received, ReportStatus.Backlogged, nameof(Report.Backlog)),
        (ReportStatus.Edited, ReportStatus.Applied, nameof(Report.Apply)),
        (ReportStatus.Edited, ReportStatus.Backlogged, nameof(Report.Backlog)),
        (ReportStatus.Edited, ReportStatus.Received, nameof(Report.SendBackAlone)),
        (ReportStatus.Backlogged, ReportStatus.Applied, nameof(Report.ApplyFolded)),
        (ReportStatus.Applied, ReportStatus.Backlogged, nameof(Report.Withdraw)),
        (ReportStatus.Received, ReportStatus.Held, nameof(Report.Hold)),
        (ReportStatus.Held, ReportStatus.Received, nameof(Report.Approve)),
        (ReportStatus.Held, ReportStatus.Rejected, nameof(Report.Reject)),
        (ReportStatus.Received, ReportStatus.Received, nameof(Report.ReviewAlone)),
        (ReportStatus.Edited, ReportStatus.Rejected, nameof(Report.Reject)),
    ];

    public static bool Allows(ReportStatus from, ReportStatus to, string move) =>
        Moves.Any(m => m.From == from && m.To == to && m.Move == move);

    /// <exception cref="InvalidReportMoveException">The move is not one of <see cref="Moves"/>.</exception>
    public static void Check(Report report, ReportStatus to, string move)
    {
        if (!Allows(report.Status, to, move))
        {
            throw new InvalidReportMoveException($"Report {report.ReportId} is {report.Status}: {move} (to {to}) is not an allowed move.");
        }
    }
}
