using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corrections.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ with kebab-case endpoint names. <paramref name="configureConsumers"/> registers the
    /// host's consumers; endpoints are created for them by convention. With <paramref name="publishAs"/> every message
    /// is published with that <c>user_id</c> (<see cref="BrokerUser"/>): a producer's own user name, or another one when
    /// the login may impersonate.
    /// </summary>
    public static IServiceCollection AddCorrectionsMessaging(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? configureConsumers = null,
        string? publishAs = null)
    {
        services.AddOptions<RabbitMqOptions>()
            .Bind(configuration.GetSection(RabbitMqOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            // MassTransit 8.4+ reports usage to its vendor over HTTPS by default: a worker must not call out of its
            // network unasked (and here, where nothing outside is reachable, every attempt logged a failure).
            bus.ConfigureUsageTelemetryOptions(telemetry => telemetry.Enabled = false);
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                rabbit.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                });
                if (publishAs is not null)
                {
                    rabbit.ConfigurePublish(publish => publish.UseExecute(send => BrokerUser.Stamp(send, publishAs)));
                }
                rabbit.ConfigureEndpoints(context);
            });
        });

        // Fail start-up when the broker is unreachable instead of running deaf.
        services.AddOptions<MassTransitHostOptions>().Configure(host =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(30);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}
