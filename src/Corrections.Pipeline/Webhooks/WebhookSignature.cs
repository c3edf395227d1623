using System.Security.Cryptography;
using System.Text;

namespace Corrections.Pipeline.Webhooks;

/// <summary>
/// <c>X-Corrections-Signature: sha256=&lt;hex HMAC-SHA256 of the body under the subscriber's secret&gt;</c>, as GitHub
/// signs its webhooks; a receiver recomputes it over the raw body and compares in constant time (<see cref="Verify"/>).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Corrections-Signature";
    public const string EventHeader = "X-Corrections-Event";
    public const string DeliveryHeader = "X-Corrections-Delivery";

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, byte[] body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(signature));
}
