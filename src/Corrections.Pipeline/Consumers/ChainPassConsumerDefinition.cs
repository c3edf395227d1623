using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// The consumers that start a chain pass on a verdict or a resume command: one at a time per worker (passes serialise
/// on the compute gate anyway), transient failures retried, then redelivered.
/// </summary>
public sealed class ChainPassConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public ChainPassConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(TransientRetry.Configure);
}
