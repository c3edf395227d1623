using Corrections.Pipeline.Ingest;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>Transient failures (database restarts) are retried; an invalid report goes straight to <c>_error</c>.</summary>
public sealed class MisclassificationReportedConsumerDefinition : ConsumerDefinition<MisclassificationReportedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MisclassificationReportedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidReportException>();
            TransientRetry.Configure(retry);
        });
    }
}
