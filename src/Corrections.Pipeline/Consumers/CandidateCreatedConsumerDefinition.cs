using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>One validation at a time per worker (tensor work is serialised anyway); transient failures are retried.</summary>
public sealed class CandidateCreatedConsumerDefinition : ConsumerDefinition<CandidateCreatedConsumer>
{
    public CandidateCreatedConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CandidateCreatedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(TransientRetry.Configure);
}
