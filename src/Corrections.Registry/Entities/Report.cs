namespace Corrections.Registry.Entities;

/// <summary>
/// Every misclassification report ever received, bad ones included (with <see cref="RejectionReason"/>), keyed by the
/// producer's idempotency key so a redelivery finds the row it already wrote. Its status changes only through the
/// methods below, each a move <see cref="ReportLifecycle"/> allows.
/// </summary>
public sealed class Report
{
    public Guid ReportId { get; set; }
    public required string ModelName { get; set; }
    public int? ObservedVersion { get; set; }
    public int PredictedLabel { get; set; }
    public int CorrectLabel { get; set; }
    public required string Source { get; set; }

    /// <summary>
    /// Who sent it, as authenticated: the producer behind the HTTP API key, or the broker's validated <c>user_id</c>;
    /// null for an anonymous report (and for rows older than producers).
    /// </summary>
    public string? Producer { get; set; }

    /// <summary>
    /// SHA-256 of what the report says (producer, model, labels, input, times): a repeated id with the same hash is a retry,
    /// one with another hash is a second report under a used id (<c>id-reused</c>), refused with the original kept.
    /// </summary>
    public byte[]? ContentHash { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public float? Confidence { get; set; }
    public int[]? InputShape { get; set; }

    /// <summary>The input as received (float32 tensor or encoded image), kept so retraining can fold it back in.</summary>
    public byte[]? InputPayload { get; set; }
    public string? InputFormat { get; set; }

    /// <summary>The validated input decoded to float32 [C, H, W] in [0, 1]: what the editor and retraining use.</summary>
    public byte[]? InputTensor { get; set; }

    /// <summary>Every report starts <see cref="ReportStatus.Received"/>.</summary>
    public ReportStatus Status { get; private set; }
    public string? RejectionReason { get; private set; }

    /// <summary>Why the correction went to the retraining backlog, in words, and as a <see cref="BacklogCause"/>.</summary>
    public string? BacklogReason { get; private set; }
    public BacklogCause? BacklogCause { get; private set; }

    /// <summary>
    /// Set when a candidate of several reports carrying this one was rejected: the next edit makes it in a candidate of
    /// its own, so one bad correction cannot sink the others again; a candidate of one that fails backlogs it.
    /// </summary>
    public bool EditAlone { get; private set; }

    /// <summary>
    /// When a rejection sent it back: it queues for its next edit from then on, behind the reports that were already
    /// waiting (the edit worker serves reports by <c>SentBackAt ?? ReceivedAt</c>).
    /// </summary>
    public DateTimeOffset? SentBackAt { get; private set; }

    /// <summary>Who let a held report go on to the editor, and when.</summary>
    public string? ApprovedBy { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }

    /// <summary>The version whose edit carries this correction.</summary>
    public long? VersionId { get; private set; }
    public DateTimeOffset? EditedAt { get; private set; }

    /// <summary>The retrain version this correction was last folded into (its gate decides whether it took).</summary>
    public long? FoldedVersionId { get; set; }
    public DateTimeOffset? AppliedAt { get; private set; }

    /// <summary>
    /// Ingest found it malformed or refused its producer, or an operator refused it while held or refused the candidate
    /// awaiting approval that carried it: kept for the audit, never edited again.
    /// </summary>
    public void Reject(string reason)
    {
        Move(ReportStatus.Rejected, nameof(Reject));
        RejectionReason = reason;
    }

    /// <summary>Its producer is not trusted: it is stored and waits for an operator (<see cref="Approve"/>).</summary>
    public void Hold()
    {
        Move(ReportStatus.Held, nameof(Hold));
    }

    /// <summary>An operator let this held report go on: it waits for the editor like any other from now on.</summary>
    public void Approve(string by, DateTimeOffset at)
    {
        Move(ReportStatus.Received, nameof(Approve));
        (ApprovedBy, ApprovedAt) = (by, at);
    }

    /// <summary>
    /// Its producer is reviewed: it goes to the editor, in a candidate of its own (so no other producer's correction
    /// waits on its approval), and that candidate waits for an operator after the gate.
    /// </summary>
    public void ReviewAlone()
    {
        ReportLifecycle.Check(this, ReportStatus.Received, nameof(ReviewAlone));
        EditAlone = true;
    }

    /// <summary>An operator approved the candidate awaiting approval that carries it (it stays edited until promoted).</summary>
    public void ApproveCandidate(string by, DateTimeOffset at)
    {
        if (Status != ReportStatus.Edited)
        {
            throw new InvalidReportMoveException($"Report {ReportId} is {Status}: only an edited report's candidate can be approved.");
        }
        (ApprovedBy, ApprovedAt) = (by, at);
    }

    /// <summary>The editor made this correction in candidate <paramref name="versionId"/>, which the gate now judges.</summary>
    public void MarkEdited(long versionId, DateTimeOffset at)
    {
        Move(ReportStatus.Edited, nameof(MarkEdited));
        (VersionId, EditedAt) = (versionId, at);
    }

    /// <summary>The gate promoted the candidate that carries it: the correction is in production.</summary>
    public void Apply(DateTimeOffset at)
    {
        Move(ReportStatus.Applied, nameof(Apply));
        (AppliedAt, EditAlone) = (at, false);
    }

    /// <summary>A promoted retrain, <paramref name="retrainId"/>, folded this backlogged correction in.</summary>
    public void ApplyFolded(long retrainId, DateTimeOffset at)
    {
        Move(ReportStatus.Applied, nameof(ApplyFolded));
        (VersionId, AppliedAt, EditAlone) = (retrainId, at, false);
    }

    /// <summary>No edit can make it now: it waits for retraining to fold it in.</summary>
    public void Backlog(BacklogCause cause, string reason)
    {
        Move(ReportStatus.Backlogged, nameof(Backlog));
        (BacklogCause, BacklogReason, EditAlone) = (cause, reason, false);
    }

    /// <summary>
    /// A rollback took the version that carries it out of production (its producer, or another whose corrections rest
    /// under it, was revoked): it waits in the backlog again, with the reason.
    /// </summary>
    public void Withdraw(string reason)
    {
        Move(ReportStatus.Backlogged, nameof(Withdraw));
        (BacklogCause, BacklogReason, EditAlone, AppliedAt) = (Entities.BacklogCause.Withdrawn, reason, false, null);
    }

    /// <summary>Its shared candidate was rejected: it goes back to wait for an edit, in a candidate of its own.</summary>
    public void SendBackAlone(DateTimeOffset at)
    {
        Move(ReportStatus.Received, nameof(SendBackAlone));
        (VersionId, EditedAt, EditAlone, SentBackAt) = (null, null, true, at);
    }

    private void Move(ReportStatus to, string move)
    {
        ReportLifecycle.Check(this, to, move);
        Status = to;
    }
}
