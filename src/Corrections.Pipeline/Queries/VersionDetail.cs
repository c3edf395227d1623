namespace Corrections.Pipeline.Queries;

/// <summary>One version in full: its row, the artifact's hash, every validation figure the gate recorded, and its lineage.</summary>
public sealed record VersionDetail(VersionRow Summary, string Sha256, IReadOnlyList<ValidationRow> Validations, IReadOnlyList<LineageStep> Lineage);
