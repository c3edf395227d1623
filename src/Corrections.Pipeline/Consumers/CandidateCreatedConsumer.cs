using Corrections.Contracts;
using Corrections.Pipeline.Gate;
using Corrections.Pipeline.Resilience;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// The validation consumer: runs the gate on a new candidate and announces promotion or rejection; the announcement
/// starts the chain's next candidate (<see cref="CandidateValidatedConsumer"/>, <see cref="CandidateRejectedConsumer"/>).
/// </summary>
public sealed class CandidateCreatedConsumer(CandidateGate gate, Queries.Artifacts artifacts, ResiliencePipelines resilience, IOptions<PipelineOptions> options, TimeProvider clock) : IConsumer<CandidateCreated>
{
    public async Task Consume(ConsumeContext<CandidateCreated> context)
    {
        var message = context.Message;
        var verdict = await resilience.Postgres.ExecuteAsync(async ct => await gate.ValidateAsync(message.Model, message.Version, ct), context.CancellationToken);
        if (verdict is null)
        {
            // Already decided: a redelivery, perhaps after a crash between the verdict's commit and its events. The
            // verdict's events cannot be rebuilt here, but the chain must not stall on them: resume it.
            await Publish(context, new ResumeChain { Model = message.Model, At = clock.GetUtcNow() });
            return;
        }
        var now = clock.GetUtcNow();
        if (verdict.Passed)
        {
            // Validated frees the chain; only a promotion is announced as one (a candidate awaiting approval is not).
            await Publish(context, new CandidateValidated { Model = verdict.Model, Version = verdict.Version, Figures = verdict.Figures, ValidatedAt = now });
            if (verdict.AwaitsApproval)
            {
                return;
            }
            await Publish(context, new ModelPromoted
            {
                Model = verdict.Model,
                Alias = options.Value.Alias,
                FromVersion = verdict.FromVersion,
                Version = verdict.Version,
                Reason = "passed validation",
                Actor = options.Value.ResolvedWorkerName,
                PromotedAt = now,
                Sha256 = await artifacts.Sha256Async(verdict.Model, verdict.Version, context.CancellationToken),
            });
        }
        else
        {
            await Publish(context, new CandidateRejected
            {
                Model = verdict.Model,
                Version = verdict.Version,
                Reason = verdict.RejectionReason!,
                Figures = verdict.Figures,
                RejectedAt = now,
            });
        }
    }

    private Task Publish<T>(ConsumeContext context, T message) where T : class =>
        resilience.Publish.ExecuteAsync(async ct => await context.Publish(message, ct), context.CancellationToken).AsTask();
}
