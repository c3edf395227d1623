using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// A consumer that does tensor work (the gate, a chain pass on a verdict or a resume command): one message at a time per
/// worker, since that work serialises on the compute gate anyway; transient failures retried, then redelivered.
/// </summary>
public sealed class SerialConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public SerialConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(TransientRetry.Configure);
}
