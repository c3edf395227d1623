using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A real broker: the one named by CORRECTIONS_RABBITMQ__* (started by scripts/services), else a Testcontainers one.
/// </summary>
public sealed class RabbitMqService : IAsyncLifetime
{
    private RabbitMqContainer? _container;

    /// <summary>Configuration keys as the hosts read them (section <c>RabbitMq</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

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
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
