using System.Net;
using System.Text.Json;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Corrections.Pipeline.Webhooks;

/// <summary>
/// Delivers an announcement to every subscriber: the event's JSON, signed, POSTed with Polly's retries (exponential,
/// jittered, bounded per attempt), and recorded in <c>webhook_deliveries</c> whatever the outcome. A subscriber that stays
/// down costs its deliveries, never the pipeline: the failure is recorded and the consumer goes on.
/// </summary>
public sealed class WebhookDispatcher(IOptions<WebhookOptions> options, IServiceScopeFactory scopes, TimeProvider clock, ILogger<WebhookDispatcher> log)
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task DeliverAsync<T>(string eventName, string model, int version, T message, CancellationToken cancellation)
    {
        if (options.Value.Subscribers.Count == 0)
        {
            return;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        foreach (var subscriber in options.Value.Subscribers)
        {
            var delivery = new WebhookDelivery
            {
                DeliveryId = Guid.NewGuid(),
                Subscriber = subscriber.Name,
                Event = eventName,
                Model = model,
                Version = version,
            };
            try
            {
                var response = await Pipeline().ExecuteAsync(async ct =>
                {
                    delivery.Attempts++;
                    using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new("application/json");
                    request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(subscriber.Secret, body));
                    request.Headers.Add(WebhookSignature.EventHeader, eventName);
                    request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.DeliveryId.ToString());
                    using var answer = await Http.SendAsync(request, ct);
                    return answer.StatusCode;
                }, cancellation);
                (delivery.StatusCode, delivery.Delivered) = ((int)response, (int)response is >= 200 and < 300);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                delivery.Error = e.Message;
            }
            if (!delivery.Delivered)
            {
                log.LogWarning("Webhook {Subscriber} did not take {Event} of {Model} v{Version} after {Attempts} attempt(s): {Status}{Error}",
                    subscriber.Name, eventName, model, version, delivery.Attempts, delivery.StatusCode, delivery.Error);
            }
            delivery.At = clock.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            db.WebhookDeliveries.Add(delivery);
            await db.SaveChangesAsync(cancellation);
        }
    }

    private ResiliencePipeline<HttpStatusCode> Pipeline() => new ResiliencePipelineBuilder<HttpStatusCode>()
        .AddRetry(new RetryStrategyOptions<HttpStatusCode>
        {
            ShouldHandle = new PredicateBuilder<HttpStatusCode>()
                .Handle<HttpRequestException>().Handle<TimeoutRejectedException>()
                .HandleResult(status => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
            MaxRetryAttempts = Math.Max(options.Value.Attempts - 1, 1),
            Delay = TimeSpan.FromMilliseconds(options.Value.RetryDelayMs),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddTimeout(TimeSpan.FromMilliseconds(options.Value.TimeoutMs))
        .Build();
}
