namespace Corrections.Pipeline.Queries;

/// <summary>A version on the way back from one version to the first: what it is, and the corrections its edit made.</summary>
public sealed record LineageStep(int Version, string Kind, string Status, string CreatedBy, DateTimeOffset CreatedAt, IReadOnlyList<CarriedReport> Reports);
