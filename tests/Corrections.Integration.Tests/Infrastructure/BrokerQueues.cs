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

    /// <summary>
    /// What the broker says to <paramref name="attempt"/> on a channel of <paramref name="settings"/>' login with
    /// publisher confirms: null when it let it through, else its reply (code and text) when it closed the channel.
    /// </summary>
    public static async Task<string?> RefusalAsync(IReadOnlyDictionary<string, string?> settings, Func<IChannel, Task> attempt)
    {
        await using var connection = await Connect(settings);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await attempt(channel);
            // A refused publish closes the channel asynchronously; a round trip after it surfaces the close.
            await channel.ExchangeDeclarePassiveAsync("amq.fanout");
            return null;
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            return channel.CloseReason is { } reason ? $"{reason.ReplyCode} {reason.ReplyText}" : e.Message;
        }
    }

    /// <summary>A publish of <paramref name="body"/> to <paramref name="exchange"/> claiming <paramref name="userId"/>.</summary>
    public static Func<IChannel, Task> Publish(string exchange, byte[] body, string? userId = null) => channel =>
        channel.BasicPublishAsync(exchange, "", mandatory: false, new BasicProperties { UserId = userId, MessageId = Guid.NewGuid().ToString() }, body).AsTask();

    private static Task<IConnection> Connect(IReadOnlyDictionary<string, string?> settings) => new ConnectionFactory
    {
        HostName = settings["RabbitMq:Host"]!,
        Port = int.Parse(settings["RabbitMq:Port"]!, CultureInfo.InvariantCulture),
        VirtualHost = settings["RabbitMq:VirtualHost"]!,
        UserName = settings["RabbitMq:Username"]!,
        Password = settings["RabbitMq:Password"]!,
    }.CreateConnectionAsync();
}
