using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Ingest;

/// <summary>
/// What ingest made of a report: stored for editing, deferred to the retraining backlog because too many reports of its
/// model already wait for an edit, held for an operator (its producer is not trusted), already known (a redelivery),
/// rejected with a reason, or refused because its id belongs to another report (<see cref="Status"/> is the original's).
/// </summary>
public sealed record IntakeOutcome(IntakeDecision Decision, ReportStatus Status, InvalidReportException? Rejection = null)
{
    public static IntakeOutcome Accepted { get; } = new(IntakeDecision.Accepted, ReportStatus.Received);

    public static IntakeOutcome Deferred { get; } = new(IntakeDecision.Deferred, ReportStatus.Backlogged);

    public static IntakeOutcome Held { get; } = new(IntakeDecision.Held, ReportStatus.Held);

    public static IntakeOutcome IdReused(ReportStatus original, InvalidReportException reason) => new(IntakeDecision.IdReused, original, reason);

    public static IntakeOutcome Duplicate(ReportStatus status) => new(IntakeDecision.Duplicate, status);

    public static IntakeOutcome Rejected(InvalidReportException reason) => new(IntakeDecision.Rejected, ReportStatus.Rejected, reason);
}

public enum IntakeDecision
{
    Accepted,
    Deferred,
    Held,
    Duplicate,
    Rejected,
    IdReused,
}
