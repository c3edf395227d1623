using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Corrections.Editing.Persistence;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Retraining;
using Corrections.Pipeline.Scheduling;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_corrections_are_folded_back_by_retraining(PipelineService pipeline)
{
    [Fact]
    public async Task Should_gate_and_promote_a_retrain_linked_to_its_corrections_and_build_later_edits_on_it()
    {
        const string model = "flow-retrain";
        await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(80, 3).Select(i => pipeline.Report(model, i)).ToList();
        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)) == ids.Count,
            "the corrections are settled");

        int applied;
        await using (var registry = pipeline.Registry())
        {
            applied = await registry.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Applied);
        }
        Assert.True(applied > 0, "no correction was applied before the retrain: nothing for it to keep");

        RetrainOutcome outcome;
        await using (var scope = pipeline.Services.CreateAsyncScope())
        {
            var run = scope.ServiceProvider.GetRequiredService<RetrainingRun>();
            outcome = await run.RunAsync(model, "test", null, CancellationToken.None);
            Assert.NotNull(outcome.Version);
            Assert.Equal(ids.Count, outcome.Corrections);
            await pipeline.WorkerBus.Publish(run.Announcement(outcome));
        }
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Number == outcome.Version && v.Status != VersionStatus.Pending),
            "the gate decides the retrain", 120);

        await using (var registry = pipeline.Registry())
        {
            var retrain = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Number == outcome.Version);
            Assert.Equal(VersionKind.Retrain, retrain.Kind);
            Assert.True(retrain.Status == VersionStatus.Accepted, $"retrain {retrain.Status}: {retrain.StatusReason}");
            Assert.Equal(ids.Count, await registry.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.FoldedVersionId == retrain.Id));
            Assert.Equal(retrain.Id, await registry.Aliases.Where(a => a.ModelId == retrain.ModelId && a.Name == "production").Select(a => a.VersionId).SingleAsync());
            Assert.True(await registry.Validations.AnyAsync(v => v.VersionId == retrain.Id && v.SetName == "own-corrections" && v.Passed));
            // The corrections production carried were checked on the retrain too (the gate once checked none for a retrain).
            var earlier = await registry.Validations.SingleAsync(v => v.VersionId == retrain.Id && v.SetName == "earlier-corrections");
            Assert.Equal(applied, earlier.Examples);
            Assert.True(earlier.Passed);
        }

        // The drift resets: the next edit builds on the retrain, not on the edits before it.
        var next = pipeline.Report(model, 90);
        await pipeline.Bus.Publish(next);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == next.ReportId && r.Status == ReportStatus.Applied), "the next report is applied");
        await using var after = pipeline.Registry();
        var edit = await after.Versions.SingleAsync(v => v.Id == after.Reports.Where(r => r.ReportId == next.ReportId).Select(r => r.VersionId).Single());
        Assert.Equal(outcome.Version, await after.Versions.Where(v => v.Id == edit.ParentId).Select(v => v.Number).SingleAsync());
    }

    [Fact]
    public async Task Should_train_a_fresh_network_when_retraining_from_scratch()
    {
        // Two chains, one retrained from its base, one from scratch; the same training otherwise.
        var fromBase = await RetrainAsync("flow-retrain-base", "base", 130);
        var fromScratch = await RetrainAsync("flow-retrain-scratch", "scratch", 131);
        Assert.Contains("from scratch", fromScratch.Note);
        Assert.Null(fromBase.Note);
        // How far the first convolution's weights moved from the base's: fine-tuning nudges them, a fresh start replaces them.
        Assert.InRange(Moved(fromBase), 0, 0.5);
        Assert.InRange(Moved(fromScratch), 0.5, double.MaxValue);

        double Moved(RetrainOutcome outcome)
        {
            using var registry = pipeline.Registry();
            var versions = registry.Versions.Where(v => v.Model!.Name == outcome.Model).ToDictionary(v => v.Number);
            var store = new ModelStore(pipeline.Store.Path);
            using var start = store.Load(ModelCache.Stored(versions[1]));
            using var retrained = store.Load(ModelCache.Stored(versions[outcome.Version!.Value]));
            var before = start.Network.Parameters[0];
            var after = retrained.Network.Parameters[0];
            using var moved = after - before;
            return moved.norm().item<float>() / before.norm().item<float>();
        }
    }

    private async Task<RetrainOutcome> RetrainAsync(string model, string from, int mistake)
    {
        await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, mistake);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)),
            "the correction is settled");
        await using var scope = pipeline.Services.CreateAsyncScope();
        var run = pipeline.RetrainingRun(scope.ServiceProvider, new RetrainingOptions { From = from, TrainLimit = 3000, Oversample = 50, BatchSize = 64 });
        var outcome = await run.RunAsync(model, "test", null, CancellationToken.None);
        Assert.NotNull(outcome.Version);
        return outcome;
    }

    [Fact]
    public async Task Should_refuse_a_second_run_for_a_model_while_one_holds_its_retraining_lock()
    {
        const string model = "flow-retrain-once";
        var v1 = await pipeline.RegisterAsync(model);
        await using var other = pipeline.Registry();
        // Another node's run, as far as the database can tell.
        Assert.True(await ChainLock.TryAcquireRetrainingAsync(other, v1.ModelId, CancellationToken.None));
        try
        {
            await using var scope = pipeline.Services.CreateAsyncScope();
            var run = scope.ServiceProvider.GetRequiredService<RetrainingRun>();
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => run.RunAsync(model, "test", null, CancellationToken.None));
            Assert.Contains("already in progress", refused.Message);
        }
        finally
        {
            await ChainLock.ReleaseRetrainingAsync(other, v1.ModelId);
        }
    }

    [Fact]
    public async Task Should_run_a_retrain_an_operator_triggers_on_a_worker_node()
    {
        const string model = "flow-retrain-trigger";
        await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, 110);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)),
            "the correction is settled");

        // What `corrections retrain` does: a client of the Quartz store whose scheduler never starts, so only the
        // worker hosts' schedulers can run the job.
        await using var client = new ServiceCollection().AddLogging().AddRetrainingTrigger(pipeline.ConnectionString).BuildServiceProvider();
        var id = await client.GetRequiredService<RetrainingTrigger>().TriggerAsync(model, "operator@test", CancellationToken.None);

        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Kind == VersionKind.Retrain && v.CreatedBy.Contains(id) && v.Status != VersionStatus.Pending),
            "a worker node runs the triggered retrain and the gate decides it", 120);
        await using var registry = pipeline.Registry();
        var retrain = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Kind == VersionKind.Retrain);
        Assert.Matches($"^operator@test \\(trigger {id}\\) via scheduler:worker-[ab]$", retrain.CreatedBy);
        Assert.Equal(retrain.Id, await registry.Reports.Where(r => r.ReportId == report.ReportId).Select(r => r.FoldedVersionId).SingleAsync());
    }

    [Fact]
    public async Task Should_fold_corrections_in_on_the_clustered_schedule()
    {
        // Both hosts run the scheduler on one Quartz store; the trigger fires every 3 s on one of them.
        var model = PipelineService.ScheduledModel;
        await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(100, 2).Select(i => pipeline.Report(model, i)).ToList();
        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();

        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId)
                && db.Versions.Any(v => v.Id == r.FoldedVersionId && v.Kind == VersionKind.Retrain && v.Status == VersionStatus.Accepted)) == ids.Count,
            "a scheduled retrain folding both corrections is accepted", 120);

        await using var registry = pipeline.Registry();
        var retrains = await registry.Versions.Where(v => v.Model!.Name == model && v.Kind == VersionKind.Retrain).ToListAsync();
        Assert.All(retrains, r => Assert.StartsWith("scheduler:", r.CreatedBy));
        Assert.DoesNotContain(retrains, r => r.Status == VersionStatus.Pending && retrains.Count(o => o.Status == VersionStatus.Pending) > 1);
    }

    [Fact]
    public async Task Should_wait_on_the_schedule_until_enough_corrections_are_waiting()
    {
        var model = PipelineService.BacklogScheduledModel;
        var runs = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "corrections.retraining.runs")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            if (all.Any(t => t.Key == "model" && Equals(t.Value, model)))
            {
                runs.Enqueue($"{all.Single(t => t.Key == "trigger").Value}:{all.Single(t => t.Key == "outcome").Value}");
            }
        });
        listener.Start();
        await pipeline.RegisterAsync(model);
        var early = Enumerable.Range(100, PipelineService.BacklogMinimum - 1).Select(i => pipeline.Report(model, i)).ToList();
        foreach (var report in early)
        {
            await pipeline.Bus.Publish(report);
        }
        var earlyIds = early.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => earlyIds.Contains(r.ReportId)
                && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)) == earlyIds.Count,
            "the first corrections are applied or backlogged", 120);

        // Three fires of the 3 s cron, each with one correction too few waiting.
        await Task.Delay(TimeSpan.FromSeconds(9.5));
        await using (var registry = pipeline.Registry())
        {
            Assert.False(await registry.Versions.AnyAsync(v => v.Model!.Name == model && v.Kind == VersionKind.Retrain),
                $"a scheduled retrain ran with {earlyIds.Count} corrections waiting, below the schedule's minimum of {PipelineService.BacklogMinimum}");
        }
        // What `corrections schedules` shows an operator meanwhile, from the cluster's store.
        var schedule = await ScheduleAsync(model);
        Assert.Equal(("0/3 * * * * ?", PipelineService.BacklogMinimum, earlyIds.Count, earlyIds.Count), (schedule.Cron, schedule.MinCorrections, schedule.Waiting, schedule.NeverTried));
        Assert.StartsWith("not yet", schedule.NextFireWould);
        // The 3 s cron's next fire: ahead, or just due and not yet taken by a busy scheduler.
        Assert.InRange(schedule.NextFire!.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(3));
        Assert.NotNull(schedule.PreviousFire);
        Assert.True(runs.Count(r => r == "cron:not-yet") >= 2, $"runs counted: {string.Join(", ", runs)}");
        Assert.DoesNotContain("cron:trained", runs);

        var last = pipeline.Report(model, 100 + earlyIds.Count);
        await pipeline.Bus.Publish(last);
        var ids = earlyIds.Append(last.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId)
                && db.Versions.Any(v => v.Id == r.FoldedVersionId && v.Kind == VersionKind.Retrain && v.Status == VersionStatus.Accepted)) == ids.Count,
            "once the minimum is reached, a scheduled retrain folds all of them in", 120);
        Assert.Contains("cron:trained", runs);
    }

    [Fact]
    public async Task Should_not_retry_a_rejected_retrain_on_the_schedule_until_a_new_correction_arrives()
    {
        // Every candidate of this model fails the strict gate: the edit sends the report to the backlog, and the
        // scheduled retrain that folds it in is rejected. Training is seeded, so each later fire would train the same
        // version and be rejected again.
        var model = PipelineService.StrictScheduledModel;
        await pipeline.RegisterAsync(model);
        await pipeline.Bus.Publish(pipeline.Report(model, 120));
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Kind == VersionKind.Retrain && v.Status == VersionStatus.Rejected),
            "a scheduled retrain is rejected", 120);

        // Four more fires of the 3 s cron with nothing new to fold.
        await Task.Delay(TimeSpan.FromSeconds(12.5));
        await using (var registry = pipeline.Registry())
        {
            var retrains = await registry.Versions.Where(v => v.Model!.Name == model && v.Kind == VersionKind.Retrain).Select(v => v.Number).ToListAsync();
            Assert.True(retrains.Count == 1, $"the schedule retrained the same corrections again after a rejection: versions {string.Join(", ", retrains)}");
        }
        Assert.StartsWith("not again", (await ScheduleAsync(model)).NextFireWould);

        // An operator may still ask (after changing the gate or the options, say).
        await using var scope = pipeline.Services.CreateAsyncScope();
        var byHand = await scope.ServiceProvider.GetRequiredService<ComputeGate>().RunAsync(
            () => scope.ServiceProvider.GetRequiredService<RetrainingRun>().RunAsync(model, "operator", null, CancellationToken.None), CancellationToken.None);
        Assert.NotNull(byHand.Version);
    }

    [Fact]
    public async Task Should_register_a_retrain_that_holds_the_compute_gate_while_an_edit_waits_for_it()
    {
        // A retraining run holds its worker's compute gate while it trains, then takes the model's chain lock to
        // register its version. A report arriving meanwhile must wait for the gate without holding the chain lock:
        // otherwise each waits for the other until the lock wait times out (seen in bench/backlog-fold.sh, after
        // 2 minutes of training). Every worker's gate is busy here, so whichever takes the report waits.
        const string model = "flow-retrain-lock-order";
        var v1 = await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, 130);
        using var otherWorkers = new CompositeHold(await Task.WhenAll(pipeline.Workers.Skip(1)
            .Select(w => w.GetRequiredService<ComputeGate>().HoldAsync(CancellationToken.None))));
        var gate = pipeline.Workers[0].GetRequiredService<ComputeGate>();
        var waited = await gate.RunAsync(async () =>
        {
            await pipeline.Bus.Publish(report);
            // Time for a worker to take the report and reach its gate.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await using var db = pipeline.Registry();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '10s'");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await ChainLock.AcquireAsync(db, v1.ModelId, CancellationToken.None);
            await transaction.CommitAsync();
            return clock.Elapsed;
        }, CancellationToken.None);
        otherWorkers.Dispose();

        Assert.True(waited < TimeSpan.FromSeconds(5), $"the chain lock took {waited.TotalSeconds:F1} s");
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId
                && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)),
            "the edit goes on once the gates are free", 60);
    }

    private async Task<ScheduledRetraining> ScheduleAsync(string model)
    {
        await using var scope = pipeline.Services.CreateAsyncScope();
        var schedules = await scope.ServiceProvider.GetRequiredService<RetrainingSchedules>().ListAsync(CancellationToken.None);
        return Assert.Single(schedules, s => s.Model == model);
    }

    private sealed class CompositeHold(IEnumerable<IDisposable> holds) : IDisposable
    {
        private readonly List<IDisposable> _holds = [.. holds];

        public void Dispose() => _holds.ForEach(h => h.Dispose());
    }
}
