using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Retraining;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Corrections.Pipeline.Scheduling;

/// <summary>
/// The scheduled retraining of one model (its name in the job data). Quartz keeps one instance of a job key running at
/// a time across the cluster; the retraining lock in Postgres also keeps it apart from a run started by hand. Training
/// runs inside the compute gate: edits on this worker wait, so production does not move under the retrain. The run
/// still holds the gate when it takes the chain lock to register its version; that is safe only because edits take the
/// gate before the chain lock (<see cref="ComputeGate.HoldAsync"/>). A consolidation holds the gate a few steps at a
/// time instead (<see cref="RetrainingRun.Consolidates"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class RetrainingJob(
    IServiceScopeFactory scopes, ComputeGate gate, IBus bus, IOptions<PipelineOptions> options, IOptions<RetrainingOptions> retraining,
    PipelineMetrics metrics, ILogger<RetrainingJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var model = context.MergedJobDataMap.GetString(RetrainingJobs.ModelKey) ?? throw new JobExecutionException("Retraining job without a model name.");
        // A run asked for by hand carries who asked; a cron fire does not.
        var requestedBy = context.MergedJobDataMap.GetString(RetrainingJobs.RequestedByKey);
        var byHand = requestedBy is { Length: > 0 };
        var actor = byHand
            ? $"{requestedBy} via scheduler:{options.Value.ResolvedWorkerName}"
            : $"scheduler:{options.Value.ResolvedWorkerName}";
        // A run asked for by hand runs however long it waited; a late cron fire is a missed one.
        var threshold = TimeSpan.FromSeconds(retraining.Value.MisfireThresholdSeconds);
        if (!byHand && RetrainingJobs.IsMissed(context.ScheduledFireTimeUtc, context.FireTimeUtc, threshold))
        {
            log.LogWarning("Retraining of {Model}: the fire scheduled for {Scheduled:O} started at {Fired:O}, later than the misfire threshold ({Threshold} s); skipped, the cron's next fire runs",
                model, context.ScheduledFireTimeUtc, context.FireTimeUtc, threshold.TotalSeconds);
            context.Result = RetrainingJobs.SkippedAsMissed;
            metrics.RetrainingRan(model, byHand, "missed");
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var run = scope.ServiceProvider.GetRequiredService<RetrainingRun>();
        try
        {
            Task<RetrainOutcome> Run() => run.RunAsync(model, actor[..Math.Min(actor.Length, Registry.RegistryDbContext.MaxNameLength)],
                byHand ? null : new ScheduledCondition(RetrainingJobs.MinCorrections(context.MergedJobDataMap)), null, cancellationToken);
            // A consolidation takes the gate itself, a few steps at a time, so this worker's edits go on meanwhile.
            var outcome = run.Consolidates(model) ? await Run() : await gate.RunAsync(Run, cancellationToken);
            metrics.RetrainingRan(model, byHand, outcome.Version is null ? outcome.Skipped ?? RetrainOutcome.NothingToFold : "trained");
            if (outcome.Version is null)
            {
                log.LogInformation("Retraining of {Model} ({Actor}): {Note}", model, actor, outcome.Note);
                return;
            }
            await bus.Publish(run.Announcement(outcome), cancellationToken);
            log.LogInformation("Retraining of {Model} ({Actor}): v{Version} from v{Start} with {Corrections} corrections in {Seconds:F0} s, sent to the gate",
                model, actor, outcome.Version, outcome.StartVersion, outcome.Corrections, outcome.Duration.TotalSeconds);
        }
        catch (InvalidOperationException e)
        {
            // Already running elsewhere, or the model has no production version: nothing to retry until the next fire.
            metrics.RetrainingRan(model, byHand, "refused");
            log.LogWarning("Retraining of {Model} ({Actor}) skipped: {Reason}", model, actor, e.Message);
        }
    }
}
