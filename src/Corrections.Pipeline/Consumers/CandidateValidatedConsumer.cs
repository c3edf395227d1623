using Corrections.Contracts;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Resilience;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>A promoted candidate frees its chain: the next candidate is built on it from the reports that waited.</summary>
public sealed class CandidateValidatedConsumer(EditWorker worker, ResiliencePipelines resilience) : IConsumer<CandidateValidated>
{
    public Task Consume(ConsumeContext<CandidateValidated> context) => ChainPass.RunAsync(worker, resilience, context, context.Message.Model);
}
