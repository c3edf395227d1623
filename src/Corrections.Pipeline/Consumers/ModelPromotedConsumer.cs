using Corrections.Contracts;
using Corrections.Pipeline.Webhooks;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>Tells the webhook subscribers that a version took an alias (the gate's, an operator's or an approval's promotion).</summary>
public sealed class ModelPromotedConsumer(WebhookDispatcher webhooks) : IConsumer<ModelPromoted>
{
    public Task Consume(ConsumeContext<ModelPromoted> context) =>
        webhooks.DeliverAsync(nameof(ModelPromoted), context.Message.Model, context.Message.Version, context.Message, context.CancellationToken);
}
