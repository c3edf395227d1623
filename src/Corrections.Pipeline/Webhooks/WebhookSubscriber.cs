using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Webhooks;

/// <summary>
/// One webhook: a name for the audit, the URL that receives a POST per event, and the secret that signs each body
/// (<see cref="WebhookSignature"/>), so the receiver can tell Corrections from anyone else.
/// </summary>
public sealed class WebhookSubscriber
{
    [Required, RegularExpression("^[a-z0-9][a-z0-9._-]{0,63}$")]
    public string Name { get; set; } = "";

    [Required, Url]
    public string Url { get; set; } = "";

    [Required, MinLength(16)]
    public string Secret { get; set; } = "";
}
