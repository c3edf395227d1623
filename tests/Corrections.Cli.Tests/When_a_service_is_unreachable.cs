using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Corrections.Cli.Tests;

/// <summary>Services down or misconfigured are the operator's to fix: one line, not the driver's stack.</summary>
public class When_a_service_is_unreachable
{
    [Fact]
    public async Task Should_say_the_registry_refused_in_one_line()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

        var run = await Failing.RunAsync(refused);

        Reported.AsOneErrorLine(run, mentioning: "Failed to connect to 127.0.0.1:5432");
        Assert.Contains(new SocketException((int)SocketError.ConnectionRefused).Message, run.Output);
    }

    [Fact]
    public async Task Should_say_the_login_failed_in_one_line()
    {
        var login = new PostgresException("password authentication failed for user \"corrections\"", "FATAL", "FATAL", PostgresErrorCodes.InvalidPassword);

        var run = await Failing.RunAsync(login);

        Reported.AsOneErrorLine(run, mentioning: "password authentication failed");
    }

    [Fact]
    public async Task Should_say_the_broker_refused_in_one_line()
    {
        var run = await Failing.RunAsync(new MassTransit.RabbitMqConnectionException("Connect failed: guest@localhost:5672/"));

        Reported.AsOneErrorLine(run, mentioning: "Connect failed: guest@localhost:5672/");
    }

    [Fact]
    public async Task Should_say_what_configuration_is_missing_in_one_line()
    {
        var missing = new OptionsValidationException("", typeof(object), ["RabbitMq:Host is not set."]);

        var run = await Failing.RunAsync(missing);

        Reported.AsOneErrorLine(run, mentioning: "RabbitMq:Host is not set.");
    }
}
