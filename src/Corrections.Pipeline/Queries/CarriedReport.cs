namespace Corrections.Pipeline.Queries;

/// <summary>A correction a version carries, with the editor's steps for it when the edit recorded them.</summary>
public sealed record CarriedReport(Guid ReportId, string Source, int PredictedLabel, int CorrectLabel, DateTimeOffset ObservedAt, DateTimeOffset ReceivedAt, int? EditSteps);
