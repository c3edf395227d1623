using Corrections.Contracts;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Resilience;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// A rejected candidate frees its chain: the next candidate takes the reports that waited, and first each report the
/// rejection sent back to be edited alone.
/// </summary>
public sealed class CandidateRejectedConsumer(EditWorker worker, ResiliencePipelines resilience) : IConsumer<CandidateRejected>
{
    public Task Consume(ConsumeContext<CandidateRejected> context) => ChainPass.RunAsync(worker, resilience, context, context.Message.Model);
}
