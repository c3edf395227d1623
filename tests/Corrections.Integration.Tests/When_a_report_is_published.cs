using Corrections.Contracts;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Corrections.Integration.Tests;

[Collection(Broker.Name)]
public class When_a_report_is_published(RabbitMqService rabbit)
{
    [Fact]
    public async Task Should_reach_a_consumer_through_the_real_broker_intact()
    {
        var received = new TaskCompletionSource<MisclassificationReported>(TaskCreationOptions.RunContinuationsAsynchronously);
        var endpoint = $"round-trip-{Guid.NewGuid():N}";
        using var host = Host.CreateDefaultBuilder()
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(rabbit.Settings))
            .ConfigureServices((context, services) => services
                .AddSingleton(received)
                .AddCorrectionsMessaging(context.Configuration, bus => bus
                    .AddConsumer<RecordingConsumer>()
                    .Endpoint(e =>
                    {
                        e.Name = endpoint;
                        e.Temporary = true;
                    })))
            .Build();
        await host.StartAsync();

        var payload = new float[] { 0f, 0.25f, -1.5f, float.Epsilon, 1e30f, 3f };
        var report = new MisclassificationReported
        {
            ReportId = Guid.NewGuid(),
            Model = "fashion-mnist-cnn",
            ObservedVersion = 7,
            Input = new ReportedInput { Shape = [1, 2, 3], Tensor = payload.SelectMany(BitConverter.GetBytes).ToArray() },
            PredictedLabel = 3,
            CorrectLabel = 5,
            Source = "integration-test",
            ObservedAt = DateTimeOffset.UtcNow,
            Confidence = 0.93f,
        };
        await host.Services.GetRequiredService<IBus>().Publish(report);

        var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal(report.ReportId, got.ReportId);
        Assert.Equal(report.Model, got.Model);
        Assert.Equal(report.ObservedVersion, got.ObservedVersion);
        Assert.Equal(report.Input.Shape, got.Input.Shape);
        Assert.Equal(report.Input.Tensor, got.Input.Tensor);
        Assert.Null(got.Input.EncodedImage);
        Assert.Equal((report.PredictedLabel, report.CorrectLabel), (got.PredictedLabel, got.CorrectLabel));
        Assert.Equal(report.ObservedAt, got.ObservedAt);
        Assert.Equal(report.Confidence, got.Confidence);
    }

    public sealed class RecordingConsumer(TaskCompletionSource<MisclassificationReported> received) : IConsumer<MisclassificationReported>
    {
        public Task Consume(ConsumeContext<MisclassificationReported> context)
        {
            received.TrySetResult(context.Message);
            return Task.CompletedTask;
        }
    }
}
