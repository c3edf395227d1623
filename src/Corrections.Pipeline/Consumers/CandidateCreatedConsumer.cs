using Corrections.Contracts;
using Corrections.Pipeline.Gate;
using Corrections.Pipeline.Resilience;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Consumers;

/// <summary>The validation consumer: runs the gate on a new candidate and announces promotion or rejection.</summary>
public sealed class CandidateCreatedConsumer(CandidateGate gate, ResiliencePipelines resilience, IOptions<PipelineOptions> options, TimeProvider clock) : IConsumer<CandidateCreated>
{
    public async Task Consume(ConsumeContext<CandidateCreated> context)
    {
        var message = context.Message;
        var verdict = await resilience.Postgres.ExecuteAsync(async ct => await gate.ValidateAsync(message.Model, message.Version, ct), context.CancellationToken);
        if (verdict is not { Passed: true })
        {
            // Reports of a rejected candidate that get another try, alone; announced again on a redelivery.
            var retries = await resilience.Postgres.ExecuteAsync(async ct => await gate.RetriesAsync(message.Model, message.Version, ct), context.CancellationToken);
            foreach (var id in retries)
            {
                await Publish(context, new ReportAccepted { ReportId = id, Model = message.Model, AcceptedAt = clock.GetUtcNow() });
            }
        }
        if (verdict is null)
        {
            return;
        }
        var now = clock.GetUtcNow();
        if (verdict.Passed)
        {
            await Publish(context, new CandidateValidated { Model = verdict.Model, Version = verdict.Version, Figures = verdict.Figures, ValidatedAt = now });
            await Publish(context, new ModelPromoted
            {
                Model = verdict.Model,
                Alias = options.Value.Alias,
                FromVersion = verdict.FromVersion,
                Version = verdict.Version,
                Reason = "passed validation",
                Actor = options.Value.ResolvedWorkerName,
                PromotedAt = now,
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
