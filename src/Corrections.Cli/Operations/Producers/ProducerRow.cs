using Corrections.Registry.Entities;

namespace Corrections.Cli.Operations.Producers;

/// <summary>A producer as the CLI shows it: never its key, only the key's prefix.</summary>
public sealed record ProducerRow(
    string Name, string Trust, string? KeyPrefix, int ReportsPerHour, int ReportsPerLabelPerHour,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy, string? RevokedReason)
{
    public static ProducerRow Of(Producer p) => new(
        p.Name, p.Trust.ToString().ToLowerInvariant(), p.ApiKeyPrefix, p.ReportsPerHour, p.ReportsPerLabelPerHour,
        p.CreatedAt, p.CreatedBy, p.RevokedAt, p.RevokedBy, p.RevokedReason);
}
