using System.Text.Json;
using Corrections.Contracts;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Webhooks;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_a_serving_system_listens_on_a_webhook(PipelineService pipeline)
{
    [Fact]
    public async Task Should_receive_each_promotion_signed_retried_through_a_failure_and_recorded()
    {
        const string model = "webhook-promoted";
        pipeline.Webhooks.FailFirst[model] = true;
        var v1 = await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, 81);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.WebhookDeliveries.AnyAsync(d => d.Model == model && d.Event == nameof(ModelPromoted)),
            "the promotion's delivery is recorded");

        await using var registry = pipeline.Registry();
        var delivery = await registry.WebhookDeliveries.SingleAsync(d => d.Model == model);
        var promoted = await registry.Versions.SingleAsync(v => v.ModelId == v1.ModelId && v.Number == delivery.Version);
        Assert.Equal((true, 2, 200, "test-receiver"), (delivery.Delivered, delivery.Attempts, delivery.StatusCode, delivery.Subscriber));
        Assert.Equal(VersionStatus.Accepted, promoted.Status);
        var received = pipeline.Webhooks.Requests.Where(r => r.Model == model).ToList();
        Assert.Equal([503, 200], received.Select(r => r.Status));
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(WebhookReceiver.Secret, r.Body, r.Signature), "the signature checks out"));
        Assert.False(WebhookSignature.Verify("another-secret-0123456789", received[0].Body, received[0].Signature));
        var body = JsonSerializer.Deserialize<JsonElement>(received[^1].Body);
        Assert.Equal(nameof(ModelPromoted), received[^1].Event);
        Assert.Equal(delivery.Version, body.GetProperty("version").GetInt32());
        Assert.Equal($"/v1/models/{model}/versions/{delivery.Version}/artifact", body.GetProperty("artifact").GetString());
    }

    [Fact]
    public async Task Should_record_a_delivery_the_subscriber_refused_and_go_on()
    {
        const string model = "webhook-refused";
        pipeline.Webhooks.Refuse[model] = true;
        await pipeline.RegisterAsync(model);
        var first = pipeline.Report(model, 82);
        var second = pipeline.Report(model, 83);
        await pipeline.Bus.Publish(first);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == first.ReportId && r.Status == ReportStatus.Applied), "the first is applied");
        await pipeline.Bus.Publish(second);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == second.ReportId && r.Status == ReportStatus.Applied), "the second is applied");
        await pipeline.WaitUntilAsync(async db => await db.WebhookDeliveries.CountAsync(d => d.Model == model) >= 2, "both deliveries are recorded");

        await using var registry = pipeline.Registry();
        var deliveries = await registry.WebhookDeliveries.Where(d => d.Model == model).ToListAsync();
        // A 400 is the subscriber's answer, not a transient failure: one attempt, recorded as not delivered.
        Assert.All(deliveries, d => Assert.Equal((false, 1, 400), (d.Delivered, d.Attempts, d.StatusCode)));
    }
}
