using MassTransit;

namespace Corrections.Messaging;

/// <summary>
/// RabbitMQ's <c>user_id</c> message property, the one identity on a message a publisher cannot forge: the broker refuses
/// a message whose <c>user_id</c> is not the publishing connection's user, unless that user has the
/// <c>impersonator</c> tag (only the worker's: its HTTP API publishes on behalf of the producer an API key proved).
/// </summary>
public static class BrokerUser
{
    /// <summary>The validated publisher of a consumed message, or null when it was published without <c>user_id</c>.</summary>
    public static string? Of(ConsumeContext context) =>
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && rabbit.Properties.UserId is { Length: > 0 } user ? user : null;

    /// <summary>Publishes <paramref name="context"/>'s message as <paramref name="user"/> (on RabbitMQ; elsewhere a no-op).</summary>
    public static void Stamp(SendContext context, string user)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
        {
            rabbit.BasicProperties.UserId = user;
        }
    }
}
