using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Pipeline.Migration;
using Corrections.Pipeline.Scheduling;
using Corrections.Registry;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Corrections.Cli.Operations;

/// <summary>
/// The registry, the pipeline services and (when asked) the bus, configured exactly as the worker is: from
/// CORRECTIONS_* environment variables (<c>eval "$(scripts/services env)"</c> sets them for the local services).
/// </summary>
public sealed class ServiceConnection : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IBusControl? _bus;

    private ServiceConnection(ServiceProvider provider, IBusControl? bus, string? producer, string login)
    {
        _provider = provider;
        _bus = bus;
        Producer = producer;
        Operator = login;
    }

    /// <summary>
    /// Who this command acts as: the database login it proved with its password. The registry records the session's
    /// user itself (triggers), so this is only what the command prints.
    /// </summary>
    public string Operator { get; }

    /// <summary>Whom reports published on this connection's bus name as their producer (the broker's <c>user_id</c>).</summary>
    public string? Producer { get; }

    public IConfiguration Configuration => _provider.GetRequiredService<IConfiguration>();

    /// <summary>The alias edits build on and the gate promotes to (<c>Pipeline:Alias</c>).</summary>
    public string Alias => _provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PipelineOptions>>().Value.Alias;

    public IBus Bus => _bus ?? throw new InvalidOperationException("Opened without the bus.");

    /// <param name="withBus">Start a bus, to publish.</param>
    /// <param name="cancellation">Stops the migration and the bus start.</param>
    /// <param name="withRetrainingTrigger">Register <see cref="Pipeline.Scheduling.RetrainingTrigger"/> on the scheduler's store.</param>
    /// <param name="asProducer">
    /// Publish as a producer: every message carries <c>user_id</c> <paramref name="producer"/>, else CORRECTIONS_PRODUCER,
    /// else the broker login. The broker refuses a name other than the login's unless the login may impersonate.
    /// </param>
    /// <param name="producer">The producer to publish as, with <paramref name="asProducer"/>.</param>
    public static async Task<ServiceConnection> OpenAsync(
        bool withBus, CancellationToken cancellation, bool withRetrainingTrigger = false, bool asProducer = false, string? producer = null)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("CORRECTIONS_").Build();
        if (string.IsNullOrEmpty(configuration["Postgres:ConnectionString"]))
        {
            throw new OperatorError("""
                No registry configured: CORRECTIONS_POSTGRES__CONNECTIONSTRING is not set.
                For the local services run:  scripts/services start && eval "$(scripts/services env)"
                """);
        }
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
                // EF logs its probe of a missing migrations table as an error on a fresh database, and a refused
                // connection before it throws; real failures surface as exceptions, which the CLI reports in one line.
                .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None)
                .AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.None))
            .AddCorrectionsRegistry(configuration)
            .AddCorrectionsPipeline(configuration);
        var publishAs = asProducer ? producer ?? configuration["Producer"] ?? configuration["RabbitMq:Username"] : null;
        if (withBus)
        {
            services.AddCorrectionsMessaging(configuration, publishAs: publishAs);
        }
        if (withRetrainingTrigger)
        {
            services.AddRetrainingTrigger(configuration["Postgres:ConnectionString"]!);
        }
        var provider = services.BuildServiceProvider();
        try
        {
            // The CLI never migrates (it runs as a login without DDL): `corrections migrate` is the step that does.
            await RegistrySchemaCheck.EnsureCurrentAsync(provider, cancellation);
        }
        catch (RegistrySchemaException e)
        {
            await provider.DisposeAsync();
            throw new OperatorError(e.Message);
        }
        IBusControl? bus = null;
        if (withBus)
        {
            bus = provider.GetRequiredService<IBusControl>();
            await bus.StartAsync(cancellation);
        }
        var login = new Npgsql.NpgsqlConnectionStringBuilder(configuration["Postgres:ConnectionString"]).Username ?? "";
        return new ServiceConnection(provider, bus, publishAs, login);
    }

    public AsyncServiceScope Scope() => _provider.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.StopAsync();
        }
        await _provider.DisposeAsync();
    }
}
