using Corrections.Contracts;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Messaging;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Producers;
using Corrections.Registry.Entities;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

/// <summary>
/// Who may change a model over AMQP, on the real broker and database: the producer is the broker's validated user_id,
/// refused when nobody, unknown or revoked vouches for a report, held when it is not trusted, limited by quotas; and a
/// producer's login can neither claim another producer nor touch anything but the report exchange.
/// </summary>
[Collection(Workers.Name)]
public class When_producers_send_reports(PipelineService pipeline)
{
    [Fact]
    public async Task Should_refuse_reports_nobody_vouches_for_or_an_unknown_or_revoked_producer_sends()
    {
        const string model = "trust-refused";
        await pipeline.RegisterAsync(model);
        await pipeline.AddProducerAsync("trust-revoked", ProducerTrust.Trusted);
        await using (var scope = pipeline.Operator.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProducerDirectory>().RevokeAsync("trust-revoked", "leaked key", "test", CancellationToken.None);
        }
        var anonymous = pipeline.Report(model, 40);
        var unknown = pipeline.Report(model, 41);
        var revoked = pipeline.Report(model, 42);

        // The worker's login may impersonate (its HTTP API publishes as the producer a key proved): here it sends as
        // nobody, and as producers the registry does not know or has revoked.
        await pipeline.WorkerBus.Publish(anonymous);
        await pipeline.WorkerBus.Publish(unknown, c => BrokerUser.Stamp(c, "trust-nobody"));
        await pipeline.WorkerBus.Publish(revoked, c => BrokerUser.Stamp(c, "trust-revoked"));

        var ids = new[] { anonymous.ReportId, unknown.ReportId, revoked.ReportId };
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Rejected) == 3, "the three are rejected");
        await using var registry = pipeline.Registry();
        var rows = await registry.Reports.Where(r => ids.Contains(r.ReportId)).ToDictionaryAsync(r => r.ReportId);
        Assert.StartsWith("producer-anonymous:", rows[anonymous.ReportId].RejectionReason);
        Assert.Null(rows[anonymous.ReportId].Producer);
        Assert.StartsWith("producer-unknown:", rows[unknown.ReportId].RejectionReason);
        Assert.Equal("trust-nobody", rows[unknown.ReportId].Producer);
        Assert.StartsWith("producer-revoked:", rows[revoked.ReportId].RejectionReason);
        Assert.Equal(0, await registry.Edits.CountAsync(e => ids.Contains(e.ReportId)));
        await pipeline.WaitUntilAsync(_ => Task.FromResult(ids.All(pipeline.Rejections.Events.ContainsKey)), "a ReportRejected event arrives for each", 10);
    }

    [Fact]
    public async Task Should_hold_an_untrusted_producers_report_until_an_operator_approves_it()
    {
        const string model = "trust-held";
        await pipeline.RegisterAsync(model);
        await pipeline.AddProducerAsync("trust-untrusted", ProducerTrust.Untrusted);
        var untrusted = pipeline.Report(model, 43);
        var trusted = pipeline.Report(model, 45);

        await pipeline.WorkerBus.Publish(untrusted, c => BrokerUser.Stamp(c, "trust-untrusted"));
        await pipeline.Bus.Publish(trusted);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == trusted.ReportId && r.Status == ReportStatus.Applied), "the trusted report is applied");

        // The chain moved on without it: it stays held, untouched by the editor, the gate and retraining.
        await using (var registry = pipeline.Registry())
        {
            var held = await registry.Reports.SingleAsync(r => r.ReportId == untrusted.ReportId);
            Assert.Equal(ReportStatus.Held, held.Status);
            Assert.Null(held.VersionId);
        }

        int approved;
        await using (var scope = pipeline.Operator.CreateAsyncScope())
        {
            approved = await scope.ServiceProvider.GetRequiredService<HeldReports>()
                .ApproveAsync(new HeldFilter([], "trust-untrusted", model), "operator@test", CancellationToken.None);
        }

        Assert.Equal(1, approved);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == untrusted.ReportId && r.Status == ReportStatus.Applied),
            "the approved report is applied (the chain sweep wakes its chain)", 60);
        await using var after = pipeline.Registry();
        var applied = await after.Reports.SingleAsync(r => r.ReportId == untrusted.ReportId);
        // The approver is the operator's login, as the database recorded it: not what the caller said.
        Assert.Equal((DatabaseLogins.Operator, "trust-untrusted"), (applied.ApprovedBy, applied.Producer));
    }

    [Fact]
    public async Task Should_let_a_reviewed_producers_candidate_take_production_only_once_an_operator_approves_it()
    {
        const string model = "trust-reviewed";
        var v1 = await pipeline.RegisterAsync(model);
        await pipeline.AddProducerAsync("trust-reviewed", ProducerTrust.Reviewed);
        var reviewed = pipeline.Report(model, 44);
        var trusted = pipeline.Report(model, 46);

        await pipeline.WorkerBus.Publish(reviewed, c => BrokerUser.Stamp(c, "trust-reviewed"));
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.ModelId == v1.ModelId && v.Status == VersionStatus.AwaitingApproval),
            "the reviewed report's candidate passes the gate and awaits approval");
        // The chain is not blocked: a trusted producer's correction goes through meanwhile, on production as it is.
        await pipeline.Bus.Publish(trusted);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == trusted.ReportId && r.Status == ReportStatus.Applied), "the trusted report is applied");
        ModelVersion awaiting;
        await using (var registry = pipeline.Registry())
        {
            awaiting = await registry.Versions.SingleAsync(v => v.ModelId == v1.ModelId && v.Status == VersionStatus.AwaitingApproval);
            Assert.Equal(v1.Id, awaiting.ParentId);
            Assert.Contains("awaits an operator's approval", awaiting.StatusReason);
            Assert.Equal(ReportStatus.Edited, await registry.Reports.Where(r => r.ReportId == reviewed.ReportId).Select(r => r.Status).SingleAsync());
            Assert.False(await registry.Promotions.AnyAsync(p => p.ToVersionId == awaiting.Id));
        }

        // The worker may not decide it; an operator may. Production moved (the trusted edit), so approving re-edits it
        // on production, and that candidate needs no second approval.
        await using (var worker = pipeline.Registry())
        {
            var version = await worker.Versions.SingleAsync(v => v.Id == awaiting.Id);
            version.Status = VersionStatus.Accepted;
            var refused = await Assert.ThrowsAsync<DbUpdateException>(() => worker.SaveChangesAsync());
            Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<Npgsql.PostgresException>(refused.InnerException).SqlState);
        }
        ApprovalOutcome outcome;
        await using (var scope = pipeline.Operator.CreateAsyncScope())
        {
            outcome = await scope.ServiceProvider.GetRequiredService<CandidateApprovals>().ApproveAsync(model, awaiting.Number, DatabaseLogins.Operator, CancellationToken.None);
        }
        await pipeline.WorkerBus.Publish(new ResumeChain { Model = model, At = DateTimeOffset.UtcNow });
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == reviewed.ReportId && r.Status == ReportStatus.Applied),
            "the approved correction is applied");

        Assert.False(outcome.Promoted);
        await using var after = pipeline.Registry();
        var applied = await after.Reports.SingleAsync(r => r.ReportId == reviewed.ReportId);
        Assert.Equal(DatabaseLogins.Operator, applied.ApprovedBy);
        Assert.NotEqual(awaiting.Id, applied.VersionId);
        Assert.Equal(VersionStatus.Rejected, (await after.Versions.SingleAsync(v => v.Id == awaiting.Id)).Status);
    }

    [Fact]
    public async Task Should_roll_production_back_past_a_revoked_producers_corrections_and_backlog_them()
    {
        const string model = "trust-revoke-rollback";
        await pipeline.RegisterAsync(model);
        await pipeline.AddProducerAsync("trust-suspect", ProducerTrust.Trusted);
        // Production v2 (an honest correction), v3 (the suspect's), v4 (another honest one, built on v3).
        var honest = pipeline.Report(model, 60);
        var suspect = pipeline.Report(model, 61);
        var later = pipeline.Report(model, 62);
        await PublishAndApplyAsync(honest, producer: null);
        await PublishAndApplyAsync(suspect, producer: "trust-suspect");
        await PublishAndApplyAsync(later, producer: null);

        IReadOnlyList<Withdrawal> withdrawals;
        await using (var scope = pipeline.Operator.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProducerDirectory>().RevokeAsync("trust-suspect", "key leaked", "ignored", CancellationToken.None);
            withdrawals = await scope.ServiceProvider.GetRequiredService<ProducerRevocation>().WithdrawAsync("trust-suspect", "key leaked", DatabaseLogins.Operator, CancellationToken.None);
        }

        await using var registry = pipeline.Registry();
        var rows = await registry.Reports.Where(r => r.ModelName == model).ToDictionaryAsync(r => r.ReportId);
        var honestVersion = await registry.Versions.SingleAsync(v => v.Id == rows[honest.ReportId].VersionId);
        var withdrawal = Assert.Single(withdrawals);
        Assert.Equal((model, honestVersion.Number, 2, 1), (withdrawal.Model, withdrawal.ToVersion, withdrawal.Withdrawn, withdrawal.OfProducer));
        var production = await registry.Aliases.Where(a => a.Name == "production" && a.ModelId == honestVersion.ModelId).Select(a => a.VersionId).SingleAsync();
        Assert.Equal(honestVersion.Id, production);
        Assert.Equal(ReportStatus.Applied, rows[honest.ReportId].Status);
        Assert.Equal((ReportStatus.Backlogged, BacklogCause.Withdrawn), (rows[suspect.ReportId].Status, rows[suspect.ReportId].BacklogCause));
        Assert.StartsWith("producer-revoked:", rows[suspect.ReportId].BacklogReason);
        Assert.Equal((ReportStatus.Backlogged, BacklogCause.Withdrawn), (rows[later.ReportId].Status, rows[later.ReportId].BacklogCause));
        Assert.StartsWith("rolled-back:", rows[later.ReportId].BacklogReason);
        var rollback = await registry.Promotions.Where(p => p.ToVersionId == honestVersion.Id && p.IsRollback).SingleAsync();
        Assert.Equal(DatabaseLogins.Operator, rollback.Actor);
        Assert.Contains("producer trust-suspect revoked (key leaked)", rollback.Reason);
        // Retraining folds the withdrawn honest correction and the one still applied, never the revoked producer's.
        await using var retrain = pipeline.Operator.CreateAsyncScope();
        var (waiting, _) = await retrain.ServiceProvider.GetRequiredService<Corrections.Pipeline.Retraining.RetrainingRun>().WaitingAsync(model, CancellationToken.None);
        Assert.Equal(2, waiting);
    }

    private async Task PublishAndApplyAsync(MisclassificationReported report, string? producer)
    {
        await (producer is null ? pipeline.Bus.Publish(report) : pipeline.WorkerBus.Publish(report, c => BrokerUser.Stamp(c, producer)));
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied),
            $"report {report.ReportId} is applied");
    }

    [Fact]
    public async Task Should_refuse_reports_over_a_producers_hourly_quotas()
    {
        const string model = "trust-quota";
        await pipeline.RegisterAsync(model);
        await pipeline.AddProducerAsync("trust-quota", ProducerTrust.Untrusted, reportsPerHour: 3, reportsPerLabelPerHour: 1);
        // Three mistakes, two of them with the same correct label: the second of that label is over the label quota.
        var byLabel = Enumerable.Range(0, pipeline.Mistakes.Count).GroupBy(i => pipeline.Mistakes[i].Label).ToList();
        var pair = byLabel.First(g => g.Count() >= 2).Take(2).ToList();
        var other = byLabel.First(g => g.Key != pipeline.Mistakes[pair[0]].Label).First();
        var third = byLabel.First(g => g.Key != pipeline.Mistakes[pair[0]].Label && g.Key != pipeline.Mistakes[other].Label).First();
        var fourth = byLabel.First(g => g.Key != pipeline.Mistakes[pair[0]].Label && g.Key != pipeline.Mistakes[other].Label && g.Key != pipeline.Mistakes[third].Label).First();
        var reports = new[] { pair[0], pair[1], other, third, fourth }.Select(i => pipeline.Report(model, i)).ToList();

        foreach (var report in reports)
        {
            // One at a time: quotas count what is stored, and concurrent ingest could overshoot by its concurrency.
            await pipeline.WorkerBus.Publish(report, c => BrokerUser.Stamp(c, "trust-quota"));
            await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId), "the report is stored");
        }

        await using var registry = pipeline.Registry();
        var rows = await registry.Reports.Where(r => r.Producer == "trust-quota").ToDictionaryAsync(r => r.ReportId);
        Assert.Equal(ReportStatus.Held, rows[reports[0].ReportId].Status);
        Assert.StartsWith("label-quota-exceeded:", rows[reports[1].ReportId].RejectionReason);
        Assert.Equal(ReportStatus.Held, rows[reports[2].ReportId].Status);
        Assert.Equal(ReportStatus.Held, rows[reports[3].ReportId].Status);
        Assert.StartsWith("quota-exceeded:", rows[reports[4].ReportId].RejectionReason);
    }

    [Fact]
    public async Task Should_refuse_a_second_report_under_a_used_id_and_keep_the_first()
    {
        const string model = "trust-id-reused";
        await pipeline.RegisterAsync(model);
        var first = pipeline.Report(model, 46);
        var second = pipeline.Report(model, 47, first.ReportId);

        await pipeline.Bus.Publish(first);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == first.ReportId && r.Status == ReportStatus.Applied), "the first is applied");
        await pipeline.Bus.Publish(first);
        await pipeline.Bus.Publish(second);

        await pipeline.WaitUntilAsync(_ => Task.FromResult(pipeline.Rejections.Events.TryGetValue(first.ReportId, out var e) && e.Reason.StartsWith("id-reused:", StringComparison.Ordinal)),
            "the second is refused as id-reused", 30);
        await using var registry = pipeline.Registry();
        var row = await registry.Reports.SingleAsync(r => r.ReportId == first.ReportId);
        Assert.Equal((ReportStatus.Applied, first.CorrectLabel, first.PredictedLabel), (row.Status, row.CorrectLabel, row.PredictedLabel));
        Assert.Equal(1, await registry.Edits.CountAsync(e => e.ReportId == first.ReportId));
        // Nothing lost: the refused message itself waits in the ingest _error queue.
        var errors = await BrokerQueues.DrainAsync(pipeline.RabbitSettings, "misclassification-reported_error");
        Assert.Contains(errors, body => body.Contains(first.ReportId.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_let_a_producers_login_publish_reports_as_itself_and_nothing_else()
    {
        var asProducer = pipeline.ProducerRabbitSettings;
        var body = "{}"u8.ToArray();

        var claimsAnother = await BrokerQueues.RefusalAsync(asProducer, BrokerQueues.Publish("Corrections.Contracts:MisclassificationReported", body, userId: "someone-else"));
        var asItself = await BrokerQueues.RefusalAsync(asProducer, BrokerQueues.Publish("Corrections.Contracts:MisclassificationReported", body, userId: pipeline.ProducerName));
        var forgesAnEvent = await BrokerQueues.RefusalAsync(asProducer, BrokerQueues.Publish("Corrections.Contracts:CandidateValidated", body, userId: pipeline.ProducerName));
        var readsReports = await BrokerQueues.RefusalAsync(asProducer, c => c.BasicGetAsync("misclassification-reported", autoAck: false));
        var purges = await BrokerQueues.RefusalAsync(asProducer, c => c.QueuePurgeAsync("misclassification-reported"));
        // Above the broker's max_message_size (8 MiB, scripts/services): refused before any consumer deserialises it.
        var oversized = await BrokerQueues.RefusalAsync(asProducer,
            BrokerQueues.Publish("Corrections.Contracts:MisclassificationReported", new byte[9 * 1024 * 1024], userId: pipeline.ProducerName));

        Assert.NotNull(claimsAnother);
        Assert.Contains("406", claimsAnother);
        Assert.Null(asItself);
        Assert.Contains("403", forgesAnEvent);
        Assert.Contains("403", readsReports);
        Assert.Contains("403", purges);
        Assert.NotNull(oversized);
        Assert.Contains("406", oversized);
        // The one message it was allowed to send was garbage: ingest dead-letters it; drain it so no later test sees it.
        await pipeline.WaitUntilAsync(async _ => (await BrokerQueues.DrainAsync(pipeline.RabbitSettings, "misclassification-reported_error")).Count > 0,
            "the garbage lands in _error", 30);
    }
}
