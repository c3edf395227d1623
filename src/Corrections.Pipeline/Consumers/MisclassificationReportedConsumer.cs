using Corrections.Contracts;
using Corrections.Pipeline.Ingest;
using Corrections.Registry.Entities;
using MassTransit;

namespace Corrections.Pipeline.Consumers;

/// <summary>
/// Ingest. A good report is stored and announced to the edit worker; a bad one is stored with its reason, announced as
/// <see cref="ReportRejected"/>, and then faulted so the message itself lands in the <c>_error</c> queue (no retries:
/// it would fail the same way). A redelivery of a report still waiting for an edit is announced again.
/// </summary>
public sealed class MisclassificationReportedConsumer(ReportIntake intake, TimeProvider clock) : IConsumer<MisclassificationReported>
{
    public async Task Consume(ConsumeContext<MisclassificationReported> context)
    {
        var report = context.Message;
        var outcome = await intake.ReceiveAsync(report, context.CancellationToken);
        switch (outcome.Decision)
        {
            case IntakeDecision.Accepted:
            case IntakeDecision.Duplicate when outcome.Status == ReportStatus.Received:
                await context.Publish(new ReportAccepted { ReportId = report.ReportId, Model = report.Model, AcceptedAt = clock.GetUtcNow() }, context.CancellationToken);
                break;
            case IntakeDecision.Rejected:
                await context.Publish(new ReportRejected
                {
                    ReportId = report.ReportId,
                    Model = report.Model ?? "",
                    Reason = outcome.Rejection!.Reason,
                    RejectedAt = clock.GetUtcNow(),
                }, context.CancellationToken);
                throw outcome.Rejection;
        }
    }
}
