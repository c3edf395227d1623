namespace Corrections.Pipeline.Queries;

/// <summary>One report as the audit shows it: where it stands, why, and the version that carries it.</summary>
public sealed record ReportRow(
    Guid ReportId, string Model, string Status, string? Producer, string Source, int PredictedLabel, int CorrectLabel,
    DateTimeOffset ObservedAt, DateTimeOffset ReceivedAt, DateTimeOffset? EditedAt, DateTimeOffset? AppliedAt, int? Version, string? Reason);
