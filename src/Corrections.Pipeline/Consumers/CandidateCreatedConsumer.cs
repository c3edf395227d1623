using Corrections.Contracts;
using Corrections.Pipeline.Gate;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Consumers;

/// <summary>The validation consumer: runs the gate on a new candidate and announces promotion or rejection.</summary>
public sealed class CandidateCreatedConsumer(CandidateGate gate, IOptions<PipelineOptions> options, TimeProvider clock) : IConsumer<CandidateCreated>
{
    public async Task Consume(ConsumeContext<CandidateCreated> context)
    {
        var message = context.Message;
        var verdict = await gate.ValidateAsync(message.Model, message.Version, context.CancellationToken);
        if (verdict is null)
        {
            return;
        }
        var now = clock.GetUtcNow();
        if (verdict.Passed)
        {
            await context.Publish(new CandidateValidated { Model = verdict.Model, Version = verdict.Version, Figures = verdict.Figures, ValidatedAt = now }, context.CancellationToken);
            await context.Publish(new ModelPromoted
            {
                Model = verdict.Model,
                Alias = options.Value.Alias,
                FromVersion = verdict.FromVersion,
                Version = verdict.Version,
                Reason = "passed validation",
                Actor = options.Value.ResolvedWorkerName,
                PromotedAt = now,
            }, context.CancellationToken);
        }
        else
        {
            await context.Publish(new CandidateRejected
            {
                Model = verdict.Model,
                Version = verdict.Version,
                Reason = verdict.RejectionReason!,
                Figures = verdict.Figures,
                RejectedAt = now,
            }, context.CancellationToken);
        }
    }
}
