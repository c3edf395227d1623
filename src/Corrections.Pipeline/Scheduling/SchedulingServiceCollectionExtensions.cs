using System.ComponentModel.DataAnnotations;
using Corrections.Pipeline.Retraining;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Corrections.Pipeline.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>Quartz's tables live beside the registry's, in schema <c>corrections</c>.</summary>
    public const string TablePrefix = "corrections.qrtz_";

    /// <summary>
    /// Quartz on the Postgres job store, clustered, with its tables made by <c>corrections migrate</c> (in the registry
    /// database, <see cref="TablePrefix"/>), and one retraining job and cron trigger per <c>Retraining:Schedules</c> entry. A
    /// fire missed while every node was down (by more than <c>Retraining:MisfireThresholdSeconds</c>) is not made up
    /// (misfire policy: do nothing); the next one runs as planned.
    /// Cron triggers of schedules the configuration no longer lists are removed at start (<see cref="RetrainingScheduleCleanup"/>).
    /// The host also needs <c>AddQuartzHostedService</c> on its builder, after this call.
    /// </summary>
    public static IServiceCollection AddRetrainingScheduler(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var schedules = configuration.GetSection($"{RetrainingOptions.Section}:Schedules").Get<List<RetrainingSchedule>>() ?? [];
        foreach (var schedule in schedules)
        {
            var problems = new List<ValidationResult>();
            if (!Validator.TryValidateObject(schedule, new ValidationContext(schedule), problems, validateAllProperties: true))
            {
                throw new InvalidOperationException($"Retraining:Schedules: the entry for model '{schedule.Model}' is invalid: {string.Join("; ", problems.Select(p => p.ErrorMessage))}");
            }
            if (!CronExpression.TryParse(schedule.Cron, CronFormat.Quartz, out _))
            {
                throw new InvalidOperationException($"Retraining:Schedules: '{schedule.Cron}' for model '{schedule.Model}' is not a Quartz cron expression (seconds first, e.g. '0 0 3 * * ?').");
            }
        }
        var misfireThreshold = TimeSpan.FromSeconds(configuration.GetSection(RetrainingOptions.Section).Get<RetrainingOptions>()?.MisfireThresholdSeconds ?? 60);
        services.AddQuartz(quartz =>
        {
            UseRetrainingStore(quartz, connectionString, misfireThreshold);
            foreach (var schedule in schedules)
            {
                var job = RetrainingJobs.Key(schedule.Model);
                quartz.AddJob<RetrainingJob>(j => j.WithIdentity(job).StoreDurably().DisallowConcurrentExecution().UsingJobData(RetrainingJobs.ModelKey, schedule.Model));
                quartz.AddTrigger(t => t
                    .ForJob(job)
                    .WithIdentity(RetrainingJobs.CronKey(schedule.Model))
                    .UsingJobData(RetrainingJobs.MinCorrectionsKey, schedule.MinCorrections)
                    .WithSchedule(CronScheduleBuilder.Create(schedule.Cron).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            }
        });
        IReadOnlySet<string> configured = schedules.Select(s => s.Model).ToHashSet(StringComparer.Ordinal);
        // Registered before the host's Quartz service, so stale schedules are gone before the scheduler starts.
        services.AddHostedService(provider => new RetrainingScheduleCleanup(
            provider.GetRequiredService<ISchedulerFactory>(), configured, provider.GetRequiredService<ILogger<RetrainingScheduleCleanup>>()));
        // The HTTP API's retrain asks this node's own scheduler.
        return services.AddSingleton<RetrainingTrigger>().AddScoped<RetrainingSchedules>();
    }

    /// <summary>
    /// What <c>corrections retrain</c> needs to ask the scheduler cluster for a run (<see cref="RetrainingTrigger"/>), and
    /// <c>corrections schedules</c> to read its schedules (<see cref="RetrainingSchedules"/>):
    /// the same Quartz store, with a scheduler that is never started, so this process runs no jobs.
    /// </summary>
    public static IServiceCollection AddRetrainingTrigger(this IServiceCollection services, string connectionString)
    {
        services.AddQuartz(quartz => UseRetrainingStore(quartz, connectionString, misfireThreshold: null));
        return services.AddSingleton<RetrainingTrigger>().AddScoped<RetrainingSchedules>();
    }

    /// <summary>
    /// The store as <c>corrections migrate</c> opens it: allowed to create its tables (the migrator's DDL rights), with a
    /// scheduler that is never started.
    /// </summary>
    internal static IServiceCollection AddRetrainingStoreProvisioning(this IServiceCollection services, string migratorConnectionString) =>
        services.AddQuartz(quartz => UseRetrainingStore(quartz, migratorConnectionString, misfireThreshold: null, provision: true));

    private static void UseRetrainingStore(IQuartzBuilder quartz, string connectionString, TimeSpan? misfireThreshold, bool provision = false)
    {
        quartz.ConfigureScheduler(scheduler =>
        {
            scheduler.InstanceName = "corrections";
            scheduler.GenerateInstanceId = true;
        });
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(connectionString);
            store.ConfigureStore(options =>
            {
                // Schema-qualified: a login's search_path ("$user", public) finds the schema only for the owner.
                options.TablePrefix = TablePrefix;
                if (misfireThreshold is { } threshold)
                {
                    options.MisfireThreshold = threshold;
                }
            });
            // Only the migrator creates tables; everyone else checks they are there (Quartz's default).
            if (provision)
            {
                store.ProvisionSchema();
            }
            store.UseClustering(_ => { });
        });
    }
}
