using Quartz;

namespace Corrections.Pipeline.Scheduling;

/// <summary>
/// Asks the scheduler cluster for a retraining run now, the way an operator's <c>corrections retrain</c> does: the run
/// goes to whichever worker node picks it up, under the same lock and misfire rules as the cron's, and never beside
/// another run of the same model. This side only writes to the Quartz store; its scheduler is never started, so it
/// runs no jobs itself.
/// </summary>
public sealed class RetrainingTrigger(ISchedulerFactory schedulers)
{
    /// <summary>Stores the model's job (if no node has yet) and fires it once; returns the id written into the run's actor.</summary>
    public async Task<string> TriggerAsync(string model, string requestedBy, CancellationToken cancellation)
    {
        var scheduler = await schedulers.GetScheduler(cancellation);
        var id = Guid.NewGuid().ToString("N")[..8];
        await scheduler.AddJob(RetrainingJobs.Definition(model), AddJobOptions.Replacing, cancellation);
        await scheduler.TriggerJob(RetrainingJobs.Key(model), new JobDataMap { [RetrainingJobs.RequestedByKey] = $"{requestedBy} (trigger {id})" }, cancellation);
        return id;
    }
}
