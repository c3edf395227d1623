using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A real broker: the one named by CORRECTIONS_RABBITMQ__* (started by scripts/services), else a Testcontainers one.
/// Beside the worker's login it offers a producer's (CORRECTIONS_EXAMPLE_PRODUCER__*, made by scripts/services; in a
/// container made here the same way): a broker user that may only publish reports.
/// </summary>
public sealed class RabbitMqService : IAsyncLifetime
{
    private RabbitMqContainer? _container;

    /// <summary>Configuration keys as the hosts read them (section <c>RabbitMq</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>The same broker as <see cref="Settings"/>, logged in as the example producer.</summary>
    public IReadOnlyDictionary<string, string?> ProducerSettings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>The example producer's broker user name, which is also its producer name.</summary>
    public string ProducerName { get; private set; } = "example-producer";

    public async Task InitializeAsync()
    {
        var host = Environment.GetEnvironmentVariable("CORRECTIONS_RABBITMQ__HOST");
        if (!string.IsNullOrEmpty(host))
        {
            Settings = new Dictionary<string, string?>
            {
                ["RabbitMq:Host"] = host,
                ["RabbitMq:Port"] = Environment.GetEnvironmentVariable("CORRECTIONS_RABBITMQ__PORT") ?? "5672",
                ["RabbitMq:VirtualHost"] = Environment.GetEnvironmentVariable("CORRECTIONS_RABBITMQ__VIRTUALHOST") ?? "/",
                ["RabbitMq:Username"] = Environment.GetEnvironmentVariable("CORRECTIONS_RABBITMQ__USERNAME") ?? "guest",
                ["RabbitMq:Password"] = Environment.GetEnvironmentVariable("CORRECTIONS_RABBITMQ__PASSWORD") ?? "guest",
            };
            ProducerName = Environment.GetEnvironmentVariable("CORRECTIONS_EXAMPLE_PRODUCER__USERNAME")
                ?? throw new InvalidOperationException("CORRECTIONS_EXAMPLE_PRODUCER__USERNAME is not set: eval \"$(scripts/services env)\" (scripts/test does).");
            ProducerSettings = AsProducer(Settings, Environment.GetEnvironmentVariable("CORRECTIONS_EXAMPLE_PRODUCER__PASSWORD") ?? "");
            return;
        }

        try
        {
            _container = new RabbitMqBuilder("rabbitmq:3.13-alpine").WithUsername("corrections").WithPassword("corrections").Build();
            await _container.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            throw new ServiceUnavailable("RabbitMQ", e);
        }
        var uri = new Uri(_container.GetConnectionString());
        Settings = new Dictionary<string, string?>
        {
            ["RabbitMq:Host"] = uri.Host,
            ["RabbitMq:Port"] = uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:VirtualHost"] = "/",
            ["RabbitMq:Username"] = "corrections",
            ["RabbitMq:Password"] = "corrections",
        };
        // What scripts/services provisions, in the container: an impersonating worker and a publish-only producer.
        const string allowed = "^(Corrections\\.Contracts:MisclassificationReported|.*_bus_.*)$";
        await RabbitMqCtl("set_user_tags", "corrections", "administrator", "impersonator");
        await RabbitMqCtl("add_user", ProducerName, ProducerName);
        await RabbitMqCtl("set_permissions", "-p", "/", ProducerName, allowed, allowed, "^.*_bus_.*$");
        ProducerSettings = AsProducer(Settings, ProducerName);
    }

    private async Task RabbitMqCtl(params string[] arguments)
    {
        var result = await _container!.ExecAsync(["rabbitmqctl", .. arguments]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {result.Stderr}");
        }
    }

    private IReadOnlyDictionary<string, string?> AsProducer(IReadOnlyDictionary<string, string?> worker, string password) =>
        new Dictionary<string, string?>(worker) { ["RabbitMq:Username"] = ProducerName, ["RabbitMq:Password"] = password };

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
