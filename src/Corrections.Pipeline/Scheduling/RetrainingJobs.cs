using Quartz;

namespace Corrections.Pipeline.Scheduling;

/// <summary>
/// Names and data of the retraining jobs in the Quartz store, shared by the worker nodes that run them and the CLI that
/// triggers them: one durable job per model, so a run can be triggered for a model with no cron as well.
/// </summary>
public static class RetrainingJobs
{
    public const string Group = "retraining";

    /// <summary>Job data: the model to retrain.</summary>
    public const string ModelKey = "model";

    /// <summary>Trigger data: who asked for a run by hand, written into the retrain version's <c>created_by</c>.</summary>
    public const string RequestedByKey = "requested-by";

    /// <summary>Trigger data of a cron trigger: its schedule's <see cref="RetrainingSchedule.MinCorrections"/>.</summary>
    public const string MinCorrectionsKey = "min-corrections";

    /// <summary>The minimum a cron trigger carries (<see cref="MinCorrectionsKey"/>); 1 when it carries none.</summary>
    public static int MinCorrections(JobDataMap data) =>
        data.TryGetValue(MinCorrectionsKey, out var value) && value is not null
            ? Math.Max(1, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture))
            : 1;

    /// <summary>What a run that <see cref="IsMissed"/> dropped leaves as its job result, for listeners and tests.</summary>
    public const string SkippedAsMissed = "skipped: missed";

    public static JobKey Key(string model) => new($"retrain-{model}", Group);

    public static TriggerKey CronKey(string model) => new($"retrain-{model}-cron", Group);

    public static IJobDetail Definition(string model) => JobBuilder.Create<RetrainingJob>()
        .WithIdentity(Key(model))
        .StoreDurably()
        .DisallowConcurrentExecution()
        .UsingJobData(ModelKey, model)
        .Build();

    /// <summary>
    /// Whether a cron fire starts later than the misfire threshold after the time it was scheduled for. Quartz should
    /// have dropped such a fire (policy: do nothing), but its clustered store can still hand over an occurrence that came
    /// due while the previous run held the job, late (seen in CI: a fire scheduled for :42 started at :44.055, 2 s late
    /// with a 1 s threshold); the job drops it itself, so a retrain never runs twice back to back.
    /// </summary>
    public static bool IsMissed(DateTimeOffset? scheduled, DateTimeOffset fired, TimeSpan threshold) =>
        scheduled is { } due && fired - due > threshold;
}
