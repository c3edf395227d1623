using Corrections.Contracts;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Resilience;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// The edit worker on new reports: a batch of accepted reports starts a pass over each model's chain. While a candidate
/// is pending the pass does nothing and the reports wait in the registry; that candidate's verdict starts the next pass.
/// </summary>
public sealed class ReportAcceptedConsumer(EditWorker worker, ResiliencePipelines resilience) : IConsumer<Batch<ReportAccepted>>
{
    public async Task Consume(ConsumeContext<Batch<ReportAccepted>> context)
    {
        // Batches are grouped by model (see the definition); grouping again keeps a mixed batch correct regardless.
        foreach (var model in context.Message.Select(m => m.Message.Model).Distinct(StringComparer.Ordinal))
        {
            await ChainPass.RunAsync(worker, resilience, context, model);
        }
    }
}
