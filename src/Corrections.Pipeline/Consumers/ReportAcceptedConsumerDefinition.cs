using Corrections.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Consumers;

/// <summary>Batches per model, with the size and wait from <see cref="PipelineOptions"/>; failures are retried, then redelivered.</summary>
public sealed class ReportAcceptedConsumerDefinition(IOptions<PipelineOptions> options) : ConsumerDefinition<ReportAcceptedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ReportAcceptedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var settings = options.Value;
        // A batch can only be as large as what the broker lets us hold unacknowledged.
        endpointConfigurator.PrefetchCount = Math.Max(16, settings.BatchMaxSize * 2);
        endpointConfigurator.UseMessageRetry(TransientRetry.Configure);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(settings.BatchMaxSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(settings.BatchMaxWaitMs))
            // One batch at a time: while it waits for the previous candidate's verdict, new reports pile up into the next
            // batch in arrival order, instead of several small batches racing for the chain lock out of order.
            .SetConcurrencyLimit(1)
            .GroupBy<ReportAccepted, string>(m => m.Message.Model));
    }
}
