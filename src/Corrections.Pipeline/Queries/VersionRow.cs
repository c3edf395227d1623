namespace Corrections.Pipeline.Queries;

/// <summary>A version in a model's list: kind, gate status, parent, alias, corrections carried and the first set's figures.</summary>
public sealed record VersionRow(
    int Version, string Kind, string Status, int? Parent, string? Alias, int Corrections, double? ErrorPct, double? DrawdownPp,
    double? CumulativeDrawdownPp, string CreatedBy, DateTimeOffset CreatedAt, string? Reason, long Bytes, bool Delta);
