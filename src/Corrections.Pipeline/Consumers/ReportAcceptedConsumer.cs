using Corrections.Contracts;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Resilience;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>The edit worker: a batch of accepted reports for one model becomes one candidate version.</summary>
public sealed class ReportAcceptedConsumer(EditWorker worker, ResiliencePipelines resilience, TimeProvider clock) : IConsumer<Batch<ReportAccepted>>
{
    public async Task Consume(ConsumeContext<Batch<ReportAccepted>> context)
    {
        // Batches are grouped by model (see the definition); grouping again keeps a mixed batch correct regardless.
        foreach (var group in context.Message.GroupBy(m => m.Message.Model, StringComparer.Ordinal))
        {
            var ids = group.Select(m => m.Message.ReportId).Distinct().ToList();
            Task Announce(CandidateCreated candidate) =>
                resilience.Publish.ExecuteAsync(async ct => await context.Publish(candidate, ct), context.CancellationToken).AsTask();
            var outcome = await resilience.Postgres.ExecuteAsync(async ct => await worker.ApplyAsync(group.Key, ids, Announce, ct), context.CancellationToken);
            if (outcome.Candidate is { } candidate)
            {
                await Announce(candidate);
            }
            // Left for a later pass (a retried report went alone): announced again before this batch is acknowledged.
            foreach (var id in outcome.Deferred)
            {
                await resilience.Publish.ExecuteAsync(
                    async ct => await context.Publish(new ReportAccepted { ReportId = id, Model = group.Key, AcceptedAt = clock.GetUtcNow() }, ct), context.CancellationToken);
            }
        }
    }
}
