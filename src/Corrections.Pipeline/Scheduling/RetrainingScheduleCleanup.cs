using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Corrections.Pipeline.Scheduling;

/// <summary>
/// At start, before the scheduler runs, removes the cron triggers of retraining schedules that this node's
/// <c>Retraining:Schedules</c> no longer lists. The Quartz store keeps every trigger any node ever stored: without
/// this, a schedule taken out of the configuration (or a benchmark's, every 15 s) kept firing on whichever worker ran
/// the cluster next. The configuration is the truth, so every node should list the same schedules. A model's job
/// stays, for runs asked for by hand.
/// </summary>
internal sealed class RetrainingScheduleCleanup(ISchedulerFactory schedulers, IReadOnlySet<string> configuredModels, ILogger<RetrainingScheduleCleanup> log)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var configured = configuredModels.Select(m => RetrainingJobs.CronKey(m)).ToHashSet();
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(RetrainingJobs.Group), cancellationToken))
        {
            if (configured.Contains(key) || await scheduler.GetTrigger(key, cancellationToken) is not ICronTrigger stale)
            {
                continue;
            }
            await scheduler.UnscheduleJob(key, cancellationToken);
            log.LogWarning("Removed the retraining schedule {Trigger} ({Cron}) for {Job}: Retraining:Schedules no longer lists it", key, stale.CronExpressionString, stale.JobKey);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
