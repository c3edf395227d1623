using Corrections.Pipeline.Retraining;
using Quartz;

namespace Corrections.Pipeline.Scheduling;

/// <summary>
/// Reads the retraining schedules from the Quartz store, the one the worker nodes share, so an operator sees what the
/// cluster will do rather than what one node's configuration says: the cron, the last and next fire, and whether the
/// next fire would train on the corrections waiting now (<see cref="ScheduledCondition"/>).
/// </summary>
public sealed class RetrainingSchedules(ISchedulerFactory schedulers, RetrainingRun run)
{
    public async Task<IReadOnlyList<ScheduledRetraining>> ListAsync(CancellationToken cancellation)
    {
        var scheduler = await schedulers.GetScheduler(cancellation);
        var keys = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(RetrainingJobs.Group), cancellation);
        var schedules = new List<ScheduledRetraining>();
        // Only the cron triggers: a run asked for by hand is a one-off trigger of the same job.
        foreach (var key in keys.OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            if (await scheduler.GetTrigger(key, cancellation) is not ICronTrigger trigger
                || await scheduler.GetJobDetail(trigger.JobKey, cancellation) is not { } job
                || job.JobDataMap.GetString(RetrainingJobs.ModelKey) is not { Length: > 0 } model)
            {
                continue;
            }
            var minimum = RetrainingJobs.MinCorrections(trigger.JobDataMap);
            var (waiting, neverTried) = await run.WaitingAsync(model, cancellation);
            var would = ScheduledCondition.Skip(new ScheduledCondition(minimum), waiting, neverTried)?.Note ?? $"train on {waiting} corrections";
            schedules.Add(new ScheduledRetraining(model, trigger.CronExpressionString ?? "", minimum, trigger.PreviousFireTimeUtc, trigger.NextFireTimeUtc, waiting, neverTried, would));
        }
        return schedules;
    }
}
