using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Editing;
using Corrections.Editing.Models;
using Corrections.Editing.Tests;
using Corrections.Editing.Training;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Pipeline.Chain;
using Corrections.Registry;
using Corrections.Registry.Entities;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Corrections.Integration.Tests;

/// <summary>
/// Fault suite: a real worker process working through a stream of reports while it is SIGKILLed again and again, or
/// while the broker restarts under it; on a virtual host of its own (<c>faults</c>, created by scripts/services) so
/// that no other consumer takes its messages. Each case ends with every report applied or backlogged exactly once.
/// </summary>
[Trait("Category", "Faults")]
public class When_faults_strike_mid_stream(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Model = "faults-kill";
    private const int Reports = 60;
    private readonly RabbitMqService _rabbit = new();
    private readonly PostgresService _postgres = new();
    private readonly TemporaryDirectory _store = new();
    private TestDatabase? _database;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        NativeRuntime.Prepare();
        await _rabbit.InitializeAsync();
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>(_rabbit.Settings)
        {
            ["RabbitMq:VirtualHost"] = "faults",
            ["Postgres:ConnectionString"] = _database.ConnectionString,
            ["Pipeline:ModelStoreRoot"] = _store.Path,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddCorrectionsRegistry(configuration)
            .AddCorrectionsPipeline(configuration)
            .AddCorrectionsMessaging(configuration)
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Database.MigrateAsync();
        await BrokerQueues.PurgeAsync(settings, "misclassification-reported", "report-accepted", "candidate-created");
    }

    private Dictionary<string, string> WorkerEnvironment() => new()
    {
        ["CORRECTIONS_POSTGRES__CONNECTIONSTRING"] = _database!.ConnectionString,
        ["CORRECTIONS_RABBITMQ__HOST"] = _rabbit.Settings["RabbitMq:Host"]!,
        ["CORRECTIONS_RABBITMQ__PORT"] = _rabbit.Settings["RabbitMq:Port"]!,
        ["CORRECTIONS_RABBITMQ__USERNAME"] = _rabbit.Settings["RabbitMq:Username"]!,
        ["CORRECTIONS_RABBITMQ__PASSWORD"] = _rabbit.Settings["RabbitMq:Password"]!,
        ["CORRECTIONS_RABBITMQ__VIRTUALHOST"] = "faults",
        ["CORRECTIONS_PIPELINE__MODELSTOREROOT"] = _store.Path,
        ["CORRECTIONS_PIPELINE__REPUBLISHPENDINGAFTERMS"] = "2000",
        ["CORRECTIONS_URLS"] = "http://127.0.0.1:0",
        // The gate still runs every check; the thresholds are loose because this test is about losing nothing.
        ["CORRECTIONS_VALIDATION__SETS__0__TAKE"] = "1000",
        ["CORRECTIONS_VALIDATION__SETS__0__MAXDRAWDOWNPP"] = "100",
        ["CORRECTIONS_VALIDATION__SETS__0__MAXCUMULATIVEDRAWDOWNPP"] = "100",
        ["CORRECTIONS_VALIDATION__MINEARLIERCORRECTIONSHELD"] = "0",
    };

    [Fact]
    public async Task Should_lose_nothing_when_the_worker_is_killed_again_and_again()
    {
        using var worker = new WorkerProcess(WorkerEnvironment());
        await RunAsync(worker, async () =>
        {
            for (var round = 0; round < 3; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5 + round));
                worker.Kill();
                await worker.StartAsync(TimeSpan.FromSeconds(90));
            }
        }, "3 SIGKILLs");
    }

    [Fact]
    public async Task Should_lose_nothing_when_the_broker_restarts_mid_stream()
    {
        using var worker = new WorkerProcess(WorkerEnvironment());
        await RunAsync(worker, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await LocalServices.RestartAsync("rabbitmq");
        }, "broker restarted");
    }

    [Fact]
    public async Task Should_lose_nothing_when_the_database_restarts_mid_stream()
    {
        using var worker = new WorkerProcess(WorkerEnvironment());
        await RunAsync(worker, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await LocalServices.RestartAsync("postgres");
        }, "database restarted");
    }

    /// <summary>Publishes the reports to a running worker, applies <paramref name="fault"/>, and checks that nothing was lost.</summary>
    private async Task RunAsync(WorkerProcess worker, Func<Task> fault, string what)
    {
        using var test = FashionMnist.Load(FashionMnist.DefaultDirectory, DatasetSplit.Test);
        await RegisterQuickModelAsync();
        var bus = _services!.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        var labels = test.Labels.data<long>().ToArray();
        var reports = Enumerable.Range(0, Reports).Select(i =>
        {
            using var image = test.Images[i];
            return new MisclassificationReported
            {
                ReportId = Guid.NewGuid(),
                Model = Model,
                Input = new ReportedInput { Shape = [1, 28, 28], Tensor = [.. image.contiguous().data<float>().ToArray().SelectMany(BitConverter.GetBytes)] },
                PredictedLabel = (int)((labels[i] + 1) % 10),
                CorrectLabel = (int)labels[i],
                Source = "fault-suite",
                ObservedAt = DateTimeOffset.UtcNow,
            };
        }).ToList();
        // The worker declares its queues when it starts; a report published before that would have nowhere to go.
        await worker.StartAsync(TimeSpan.FromSeconds(90));
        await Task.WhenAll(reports.Select(r => bus.Publish(r)));
        await fault();
        var ids = reports.Select(r => r.ReportId).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(180);
        int settled;
        do
        {
            await Task.Delay(500);
            try
            {
                await using var probe = Registry();
                settled = await probe.Reports.CountAsync(r => ids.Contains(r.ReportId) && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged));
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException || e.InnerException is Npgsql.NpgsqlException)
            {
                // The database is restarting under this test too.
                settled = 0;
            }
        }
        while (settled < Reports && DateTime.UtcNow < deadline);
        await bus.StopAsync();

        await using var registry = Registry();
        var rows = await registry.Reports.Where(r => ids.Contains(r.ReportId)).ToListAsync();
        var versions = await registry.Versions.OrderBy(v => v.Number).ToListAsync();
        output.WriteLine($"{what}; {rows.Count(r => r.Status == ReportStatus.Applied)} applied, {rows.Count(r => r.Status == ReportStatus.Backlogged)} backlogged, {versions.Count} versions");
        Assert.True(settled == Reports, $"only {settled} of {Reports} settled; statuses: {string.Join(", ", rows.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}"))}\n{string.Join('\n', worker.Log.TakeLast(20))}");
        Assert.Equal(Reports, rows.Count);
        Assert.DoesNotContain(versions, v => v.Status == VersionStatus.Pending);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions.Select(v => v.Number));
        ModelVersion? accepted = null;
        foreach (var version in versions)
        {
            Assert.Equal(accepted?.Id, version.ParentId);
            accepted = version.Status == VersionStatus.Accepted ? version : accepted;
        }
        var acceptedIds = versions.Where(v => v.Status == VersionStatus.Accepted).Select(v => v.Id).ToList();
        foreach (var row in rows.Where(r => r.Status == ReportStatus.Applied))
        {
            Assert.Contains(row.VersionId!.Value, acceptedIds);
            Assert.Equal(1, await registry.Edits.CountAsync(e => e.ReportId == row.ReportId && e.Success && acceptedIds.Contains(e.VersionId)));
        }
    }

    private RegistryDbContext Registry() =>
        new((DbContextOptions<RegistryDbContext>)RegistryServiceCollectionExtensions
            .UseCorrectionsPostgres(new DbContextOptionsBuilder<RegistryDbContext>(), _database!.ConnectionString).Options);

    /// <summary>A small CNN trained for a moment: the suite is about losing nothing, not about accuracy.</summary>
    private async Task RegisterQuickModelAsync()
    {
        using var train = FashionMnist.Load(FashionMnist.DefaultDirectory, DatasetSplit.Train);
        using var subset = train.Take(3000);
        var architecture = Architectures.ByName(Architectures.SmallCnnName, 10);
        using var model = EditableModel.Create(architecture, Normalization.FashionMnist, Architectures.DefaultEditableSubset(architecture.Name), new EditorOptions { LearningRate = 0.1, MaxSteps = 10 }, seed: 3);
        new EditableTrainer(new EditableTrainingOptions { Epochs = 1, BatchSize = 64, LearningRate = 3e-3, TrainingMaxSteps = 3, Seed = 3, HorizontalFlip = false }, new UniformEditTargets()).Train(model, subset);
        await using var scope = _services!.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ModelRegistrar>().RegisterAsync(Model, model, VersionKind.Base, "fault-suite", "fault suite base", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        await _postgres.DisposeAsync();
        await _rabbit.DisposeAsync();
        _store.Dispose();
    }
}
