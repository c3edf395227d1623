using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Resilience;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// What every trigger of a chain does — new reports, a verdict, a resume command: one pass of the edit worker, then
/// the announcement of the candidate it built (or of a pending one whose announcement looks lost). The pass is a
/// database unit of work; it never waits for another consumer, so a retry only ever repeats work, not a wait.
/// </summary>
internal static class ChainPass
{
    public static async Task RunAsync(EditWorker worker, ResiliencePipelines resilience, ConsumeContext context, string model)
    {
        while (true)
        {
            var outcome = await resilience.Postgres.ExecuteAsync(async ct => await worker.NextAsync(model, ct), context.CancellationToken);
            if (outcome.Candidate is { } candidate)
            {
                await resilience.Publish.ExecuteAsync(async ct => await context.Publish(candidate, ct), context.CancellationToken);
                return;
            }
            if (outcome.Backlogged == 0)
            {
                return;
            }
            // Every report of the pass went to the backlog and no candidate was built: no verdict will come to start the
            // next pass, so this one goes on with the reports still waiting (the chain stalled until the sweep otherwise).
        }
    }
}
