using MassTransit;

namespace Corrections.Pipeline.Producers;

/// <summary>
/// The producer the transport vouches for on a consumed message, or null when none does. The worker registers the
/// broker's (RabbitMQ's validated <c>user_id</c>, see <c>Corrections.Messaging.BrokerUser</c>); the pipeline itself
/// knows no transport, so its default vouches for nobody.
/// </summary>
public delegate string? BrokerPrincipal(ConsumeContext context);
