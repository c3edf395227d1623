using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>Direct access to the broker's queues: emptying what an earlier run left behind, reading an <c>_error</c> queue.</summary>
public static class BrokerQueues
{
    public static async Task PurgeAsync(IReadOnlyDictionary<string, string?> settings, params string[] queues)
    {
        await using var connection = await Connect(settings);
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                await channel.QueuePurgeAsync(queue);
            }
            catch (OperationInterruptedException)
            {
                // Not declared yet: nothing to purge.
            }
        }
    }

    /// <summary>Takes every message off <paramref name="queue"/> and returns the bodies as text.</summary>
    public static async Task<List<string>> DrainAsync(IReadOnlyDictionary<string, string?> settings, string queue)
    {
        await using var connection = await Connect(settings);
        await using var channel = await connection.CreateChannelAsync();
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            bodies.Add(System.Text.Encoding.UTF8.GetString(message.Body.Span));
        }
        return bodies;
    }

    /// <summary>Puts raw bytes on an exchange, as a broken producer would, bypassing MassTransit's serializer.</summary>
    public static async Task PublishRawAsync(IReadOnlyDictionary<string, string?> settings, string exchange, byte[] body, string contentType)
    {
        await using var connection = await Connect(settings);
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = contentType, MessageId = Guid.NewGuid().ToString(), Persistent = true };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body);
    }

    private static Task<IConnection> Connect(IReadOnlyDictionary<string, string?> settings) => new ConnectionFactory
    {
        HostName = settings["RabbitMq:Host"]!,
        Port = int.Parse(settings["RabbitMq:Port"]!, CultureInfo.InvariantCulture),
        VirtualHost = settings["RabbitMq:VirtualHost"]!,
        UserName = settings["RabbitMq:Username"]!,
        Password = settings["RabbitMq:Password"]!,
    }.CreateConnectionAsync();
}
