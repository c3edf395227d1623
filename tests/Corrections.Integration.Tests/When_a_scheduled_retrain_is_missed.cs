using System.Collections.Concurrent;
using Corrections.Editing.Tests;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Pipeline.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Corrections.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Xunit.Abstractions;

namespace Corrections.Integration.Tests;

/// <summary>
/// Missed fires of the retraining cron, on the real Postgres job store: none is made up, whether it was missed because
/// every scheduler node was down or because the previous run outlasted the cron's period; the next fire on the cron's own
/// beat runs instead. (Quartz's default for cron triggers fires once at once, at whatever instant the trigger is free
/// again; a retrain is too heavy to run twice back to back.) Two layers keep it so: the trigger's misfire policy (do
/// nothing), and the job, which drops a cron fire that starts later than the threshold anyway; Quartz 4.7's clustered
/// store still hands over such a fire now and then, about 2 s late (this test failed on it in CI; in 1 of 10 runs after
/// the change, the job dropped one).
/// </summary>
public class When_a_scheduled_retrain_is_missed(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Model = "misfire-probe";
    private const int PeriodSeconds = 2;
    private readonly RabbitMqService _rabbit = new();
    private readonly PostgresService _postgres = new();
    private readonly TemporaryDirectory _store = new();
    private TestDatabase? _database;

    public async Task InitializeAsync()
    {
        await _rabbit.InitializeAsync();
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
    }

    [Fact]
    public async Task Should_not_make_up_fires_missed_while_every_node_was_down()
    {
        // Each node schedules the configured cron afresh when it starts (replacing the stored trigger), so this holds
        // whatever the misfire policy; the next test is the one the policy decides.
        var fires = new FireRecorder();
        using (var first = BuildHost(fires))
        {
            await first.StartAsync();
            await WaitUntilAsync(() => fires.Runs.Count >= 1, "the first node runs the job once");
            await first.StopAsync();
        }
        var seen = fires.Runs.Count;
        // Every node down for 2.5 periods: at least two fires are missed, each by more than the 1 s misfire threshold.
        await Task.Delay(TimeSpan.FromSeconds(PeriodSeconds * 2.5));
        var restarted = DateTimeOffset.UtcNow;
        using (var second = BuildHost(fires))
        {
            await second.StartAsync();
            await WaitUntilAsync(() => fires.Runs.Count >= seen + 2, "the second node runs the job twice");
            await second.StopAsync();
        }

        var after = fires.Runs.Skip(seen).ToList();
        after.ForEach(f => output.WriteLine($"scheduled {f.Scheduled:HH:mm:ss.fffffff}, fired {f.Fired:HH:mm:ss.fff} (restarted {restarted:HH:mm:ss.fff})"));
        // No fire scheduled while the nodes were down ran after the restart...
        Assert.All(after, f => Assert.True(f.Scheduled >= restarted, $"a fire scheduled for {f.Scheduled:HH:mm:ss.fff}, before the restart at {restarted:HH:mm:ss.fff}, was made up"));
        // ...and none ran at the restart instant either: every run is on the cron's beat (whole even seconds).
        Assert.All(after, f => Assert.True(f.Scheduled.UtcTicks % (PeriodSeconds * TimeSpan.TicksPerSecond) == 0,
            $"a run was scheduled at {f.Scheduled:HH:mm:ss.fffffff}, off the cron's beat: a missed fire was made up on restart"));
    }

    [Fact]
    public async Task Should_not_run_again_at_once_when_a_run_outlasts_the_period()
    {
        var fires = new FireRecorder();
        using var host = BuildHost(fires);
        await host.StartAsync();
        // Busy compute: the first run waits for the gate (as behind a long edit batch) for 2.5 periods, so the fires
        // due meanwhile are held back (one run per model at a time) until they are late by more than the threshold.
        var busy = host.Services.GetRequiredService<ComputeGate>().RunAsync(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(PeriodSeconds * 2.5));
            return DateTimeOffset.UtcNow;
        }, CancellationToken.None);
        await WaitUntilAsync(() => fires.Started >= 1, "the first run starts");
        var freed = await busy;
        await WaitUntilAsync(() => fires.Runs.Count >= 3, "two more runs");
        await host.StopAsync();

        var runs = fires.Runs;
        runs.ToList().ForEach(f => output.WriteLine($"ran: scheduled {f.Scheduled:HH:mm:ss.fffffff}, fired {f.Fired:HH:mm:ss.fff} (compute free at {freed:HH:mm:ss.fff})"));
        fires.Skipped.ToList().ForEach(f => output.WriteLine($"dropped as missed: scheduled {f.Scheduled:HH:mm:ss.fffffff}, fired {f.Fired:HH:mm:ss.fff}"));
        Assert.True(runs[0].Fired < freed, "the first run started before the compute gate was free");
        Assert.All(runs.Skip(1), f => Assert.True(f.Scheduled >= freed, $"a fire scheduled for {f.Scheduled:HH:mm:ss.fff}, while the first run held the job, was made up"));
        Assert.All(runs, f => Assert.True(f.Scheduled.UtcTicks % (PeriodSeconds * TimeSpan.TicksPerSecond) == 0,
            $"a run was scheduled at {f.Scheduled:HH:mm:ss.fffffff}, off the cron's beat: a missed fire was made up at once"));
    }

    [Fact]
    public async Task Should_remove_a_schedule_the_configuration_no_longer_lists()
    {
        const string dropped = "misfire-probe-dropped";
        var fires = new FireRecorder();
        using (var first = BuildHost(fires, Model, dropped))
        {
            await first.StartAsync();
            Assert.Contains(RetrainingJobs.CronKey(dropped), await CronTriggersAsync(first));
            await first.StopAsync();
        }

        using var second = BuildHost(fires, Model);
        await second.StartAsync();
        var triggers = await CronTriggersAsync(second);
        var scheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var jobKept = await scheduler.GetJobDetail(RetrainingJobs.Key(dropped)) is not null;
        await second.StopAsync();

        Assert.Contains(RetrainingJobs.CronKey(Model), triggers);
        Assert.DoesNotContain(RetrainingJobs.CronKey(dropped), triggers);
        Assert.True(jobKept, "the dropped model's job went too: a run by hand needs it");
    }

    private static async Task<IReadOnlyCollection<TriggerKey>> CronTriggersAsync(IHost host)
    {
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        return await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(RetrainingJobs.Group));
    }

    private IHost BuildHost(FireRecorder fires, params string[] models)
    {
        var settings = new Dictionary<string, string?>(_rabbit.Settings)
        {
            ["Postgres:ConnectionString"] = _database!.ConnectionString,
            ["Pipeline:ModelStoreRoot"] = _store.Path,
            ["Retraining:MisfireThresholdSeconds"] = "1",
        };
        var scheduled = models.Length == 0 ? [Model] : models;
        for (var i = 0; i < scheduled.Length; i++)
        {
            settings[$"Retraining:Schedules:{i}:Model"] = scheduled[i];
            settings[$"Retraining:Schedules:{i}:Cron"] = $"0/{PeriodSeconds} * * * * ?";
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The job runs for real; the model is not registered, so each run ends at once with a warning.
        builder.Services
            .AddCorrectionsRegistry(builder.Configuration)
            .AddRegistrySchemaCheck()
            .AddCorrectionsPipeline(builder.Configuration)
            .AddCorrectionsMessaging(builder.Configuration)
            .AddRetrainingScheduler(builder.Configuration, _database.ConnectionString)
            .AddQuartz(quartz => quartz.AddJobListener(fires, [GroupMatcher<JobKey>.GroupEquals(RetrainingJobs.Group)]));
        builder.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
        return builder.Build();
    }

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// When each fire of a retraining job was scheduled for, when it started, and whether the job dropped it as missed
    /// (<see cref="RetrainingJobs.IsMissed"/>) instead of running.
    /// </summary>
    private sealed class FireRecorder : IJobListener
    {
        private readonly ConcurrentDictionary<string, Fire> _fires = new();

        public sealed record Fire(DateTimeOffset Scheduled, DateTimeOffset Fired, bool Done = false, bool Skipped = false);

        public int Started => _fires.Count;

        /// <summary>Fires that ran the retraining, in the order they started.</summary>
        public IReadOnlyList<Fire> Runs => [.. _fires.Values.Where(f => f.Done && !f.Skipped).OrderBy(f => f.Fired)];

        public IReadOnlyList<Fire> Skipped => [.. _fires.Values.Where(f => f.Skipped).OrderBy(f => f.Fired)];

        public string Name => "misfire-test-recorder";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            _fires[context.FireInstanceId] = new Fire(context.ScheduledFireTimeUtc ?? DateTimeOffset.MinValue, context.FireTimeUtc);
            return ValueTask.CompletedTask;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            _fires.AddOrUpdate(context.FireInstanceId,
                _ => throw new InvalidOperationException("A fire ended that never started."),
                (_, fire) => fire with { Done = true, Skipped = Equals(context.Result, RetrainingJobs.SkippedAsMissed) });
            return ValueTask.CompletedTask;
        }

        public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        await _postgres.DisposeAsync();
        await _rabbit.DisposeAsync();
        _store.Dispose();
    }
}
