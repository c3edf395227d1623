using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Webhooks;

/// <summary>Who hears of promotions and rollbacks over HTTP (section <c>Webhooks</c>); none by default.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public List<WebhookSubscriber> Subscribers { get; set; } = [];

    /// <summary>Attempts per delivery before it is recorded as failed (retried on 5xx, 408, 429 and network errors).</summary>
    [Range(1, 20)]
    public int Attempts { get; set; } = 5;

    /// <summary>The first retry's delay; each next one doubles it, with jitter.</summary>
    [Range(1, 600_000)]
    public int RetryDelayMs { get; set; } = 1000;

    /// <summary>How long one attempt may take.</summary>
    [Range(100, 600_000)]
    public int TimeoutMs { get; set; } = 10_000;
}
