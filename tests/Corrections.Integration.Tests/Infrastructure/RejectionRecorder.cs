using System.Collections.Concurrent;
using Corrections.Contracts;
using MassTransit;

namespace Corrections.Integration.Tests.Infrastructure;

public sealed class RejectionLog
{
    public ConcurrentDictionary<Guid, ReportRejected> Events { get; } = new();
}

public sealed class RejectionRecorder(RejectionLog log) : IConsumer<ReportRejected>
{
    public Task Consume(ConsumeContext<ReportRejected> context)
    {
        log.Events[context.Message.ReportId] = context.Message;
        return Task.CompletedTask;
    }
}
