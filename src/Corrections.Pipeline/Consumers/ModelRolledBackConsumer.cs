using Corrections.Contracts;
using Corrections.Pipeline.Webhooks;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>Tells the webhook subscribers that an alias went back (an operator's rollback, or a revoked producer's).</summary>
public sealed class ModelRolledBackConsumer(WebhookDispatcher webhooks) : IConsumer<ModelRolledBack>
{
    public Task Consume(ConsumeContext<ModelRolledBack> context) =>
        webhooks.DeliverAsync(nameof(ModelRolledBack), context.Message.Model, context.Message.Version, context.Message, context.CancellationToken);
}
