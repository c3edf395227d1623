using Corrections.Contracts;
using Corrections.Pipeline.Ingest;
using Corrections.Pipeline.Producers;
using Corrections.Pipeline.Resilience;
using Corrections.Registry.Entities;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// Ingest. A good report is stored and announced to the edit worker; a bad one is stored with its reason, announced as
/// <see cref="ReportRejected"/>, and then faulted so the message itself lands in the <c>_error</c> queue (no retries:
/// it would fail the same way). A redelivery of a report still waiting for an edit is announced again. A report deferred
/// to the retraining backlog (too many already wait for an edit), or held for an operator (its producer is not trusted),
/// is not announced: the editor never sees it. A second report under a used id is refused like a bad one: its message
/// goes to <c>_error</c>, the original stays as it was. The producer is whom <see cref="BrokerPrincipal"/> vouches for,
/// never a field of the message.
/// </summary>
public sealed class MisclassificationReportedConsumer(ReportIntake intake, BrokerPrincipal principal, ResiliencePipelines resilience, TimeProvider clock)
    : IConsumer<MisclassificationReported>
{
    public async Task Consume(ConsumeContext<MisclassificationReported> context)
    {
        var report = context.Message;
        var producer = principal(context);
        var outcome = await resilience.Postgres.ExecuteAsync(async ct => await intake.ReceiveAsync(report, producer, ct), context.CancellationToken);
        switch (outcome.Decision)
        {
            case IntakeDecision.Accepted:
            case IntakeDecision.Duplicate when outcome.Status == ReportStatus.Received:
                var accepted = new ReportAccepted { ReportId = report.ReportId, Model = report.Model, AcceptedAt = clock.GetUtcNow() };
                await resilience.Publish.ExecuteAsync(async ct => await context.Publish(accepted, ct), context.CancellationToken);
                break;
            case IntakeDecision.Rejected:
            case IntakeDecision.IdReused:
                var rejected = new ReportRejected
                {
                    ReportId = report.ReportId,
                    Model = report.Model ?? "",
                    Reason = outcome.Rejection!.Reason,
                    RejectedAt = clock.GetUtcNow(),
                };
                await resilience.Publish.ExecuteAsync(async ct => await context.Publish(rejected, ct), context.CancellationToken);
                throw outcome.Rejection;
        }
    }
}
