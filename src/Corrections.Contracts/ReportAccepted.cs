namespace Corrections.Contracts;

/// <summary>
/// Ingest checked and stored report <see cref="ReportId"/>; the edit worker picks it up from the registry. Carrying only
/// the id keeps the validated, decoded input in one place (Postgres) and makes a redelivery harmless.
/// </summary>
public sealed record ReportAccepted
{
    public required Guid ReportId { get; init; }
    public required string Model { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
}
