using Corrections.Contracts;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Resilience;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>A chain whose progress event was lost (see <see cref="ResumeChain"/>) gets its next pass.</summary>
public sealed class ResumeChainConsumer(EditWorker worker, ResiliencePipelines resilience) : IConsumer<ResumeChain>
{
    public Task Consume(ConsumeContext<ResumeChain> context) => ChainPass.RunAsync(worker, resilience, context, context.Message.Model);
}
