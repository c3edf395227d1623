using Corrections.Pipeline.Retraining;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Corrections.Pipeline.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Quartz on the Postgres job store, clustered, with its tables provisioned at start if missing (in the registry
    /// database, prefix <c>qrtz_</c>), and one retraining job and cron trigger per <c>Retraining:Schedules</c> entry. A
    /// fire missed while every node was down is not made up (misfire policy: do nothing); the next one runs as planned.
    /// The host also needs <c>AddQuartzHostedService</c> on its builder.
    /// </summary>
    public static IServiceCollection AddRetrainingScheduler(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var schedules = configuration.GetSection($"{RetrainingOptions.Section}:Schedules").Get<List<RetrainingSchedule>>() ?? [];
        foreach (var schedule in schedules)
        {
            if (!CronExpression.TryParse(schedule.Cron, CronFormat.Quartz, out _))
            {
                throw new InvalidOperationException($"Retraining:Schedules: '{schedule.Cron}' for model '{schedule.Model}' is not a Quartz cron expression (seconds first, e.g. '0 0 3 * * ?').");
            }
        }
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "corrections";
                scheduler.GenerateInstanceId = true;
            });
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.ConfigureStore(options => options.TablePrefix = "qrtz_");
                store.ProvisionSchema();
                store.UseClustering(_ => { });
            });
            foreach (var schedule in schedules)
            {
                var job = new JobKey($"retrain-{schedule.Model}", "retraining");
                quartz.AddJob<RetrainingJob>(j => j.WithIdentity(job).StoreDurably().DisallowConcurrentExecution().UsingJobData(RetrainingJob.ModelKey, schedule.Model));
                quartz.AddTrigger(t => t
                    .ForJob(job)
                    .WithIdentity($"retrain-{schedule.Model}-cron", "retraining")
                    .WithSchedule(CronScheduleBuilder.Create(schedule.Cron).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            }
        });
        return services;
    }
}
