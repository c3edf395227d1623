namespace Corrections.Contracts;

/// <summary>A report could not be used; <see cref="Reason"/> says why in words an operator can act on.</summary>
public sealed record ReportRejected
{
    public required Guid ReportId { get; init; }
    public required string Model { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset RejectedAt { get; init; }
}
