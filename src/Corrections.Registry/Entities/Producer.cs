namespace Corrections.Registry.Entities;

/// <summary>
/// A monitoring system allowed to send reports: one name on both channels. Over HTTP it proves itself with an API key,
/// of which only the SHA-256 is stored (a key is 32 random bytes, so a fast hash is as safe as a slow one); over AMQP the
/// broker vouches for it (the message's validated <c>user_id</c> is its name). Revoked producers are kept for the audit.
/// </summary>
public sealed class Producer
{
    public required string Name { get; set; }
    public ProducerTrust Trust { get; set; }

    /// <summary>SHA-256 of the API key; null for a producer that only publishes over AMQP.</summary>
    public byte[]? ApiKeyHash { get; set; }

    /// <summary>The key's first characters, so an operator can tell keys apart without the key.</summary>
    public string? ApiKeyPrefix { get; set; }

    /// <summary>Most reports it may send in any hour (rejections not counted).</summary>
    public int ReportsPerHour { get; set; }

    /// <summary>Most reports per hour it may send for one (model, correct label): a burst aimed at one class.</summary>
    public int ReportsPerLabelPerHour { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevokedReason { get; set; }
}
