namespace Corrections.Registry.Entities;

/// <summary>
/// Every misclassification report ever received, bad ones included (with <see cref="RejectionReason"/>), keyed by the
/// producer's idempotency key so a redelivery finds the row it already wrote.
/// </summary>
public sealed class Report
{
    public Guid ReportId { get; set; }
    public required string ModelName { get; set; }
    public int? ObservedVersion { get; set; }
    public int PredictedLabel { get; set; }
    public int CorrectLabel { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public float? Confidence { get; set; }
    public int[]? InputShape { get; set; }

    /// <summary>The input as received (float32 tensor or encoded image), kept so retraining can fold it back in.</summary>
    public byte[]? InputPayload { get; set; }
    public string? InputFormat { get; set; }

    /// <summary>The validated input decoded to float32 [C, H, W] in [0, 1]: what the editor and retraining use.</summary>
    public byte[]? InputTensor { get; set; }
    public ReportStatus Status { get; set; }
    public string? RejectionReason { get; set; }

    /// <summary>Why the correction went to the retraining backlog (editor failed, candidate rejected).</summary>
    public string? BacklogReason { get; set; }

    /// <summary>The version whose edit carries this correction.</summary>
    public long? VersionId { get; set; }
    public DateTimeOffset? EditedAt { get; set; }

    /// <summary>The retrain version this correction was last folded into (its gate decides whether it took).</summary>
    public long? FoldedVersionId { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
}
