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

    public static JobKey Key(string model) => new($"retrain-{model}", Group);

    public static TriggerKey CronKey(string model) => new($"retrain-{model}-cron", Group);

    public static IJobDetail Definition(string model) => JobBuilder.Create<RetrainingJob>()
        .WithIdentity(Key(model))
        .StoreDurably()
        .DisallowConcurrentExecution()
        .UsingJobData(ModelKey, model)
        .Build();
}
