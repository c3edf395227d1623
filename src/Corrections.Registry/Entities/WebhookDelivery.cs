namespace Corrections.Registry.Entities;

/// <summary>
/// One announcement delivered to (or given up on for) a webhook subscriber: which event, how many attempts, the last
/// status code or error. A serving system without AMQP learns of promotions and rollbacks this way; this is its audit.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public required string Subscriber { get; set; }
    public required string Event { get; set; }
    public required string Model { get; set; }
    public int Version { get; set; }
    public int Attempts { get; set; }
    public bool Delivered { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset At { get; set; }
}
