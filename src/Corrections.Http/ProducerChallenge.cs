using Corrections.Pipeline.Producers;
using Microsoft.AspNetCore.Http;

namespace Corrections.Http;

/// <summary>
/// Who is calling, from the API key: the producer, or the problem to answer with: no or an unknown key (401, with a
/// Bearer challenge), a revoked producer's key (403). Anonymous callers pass only where allowed.
/// </summary>
public static class ProducerChallenge
{
    public static async Task<(Authentication Caller, IResult? Refusal)> CheckAsync(
        HttpRequest request, ProducerDirectory producers, bool allowAnonymous, CancellationToken cancellation)
    {
        var authentication = await producers.AuthenticateAsync(ProducerKey.From(request), cancellation);
        if (authentication.Failure == "revoked")
        {
            return (authentication, Results.Problem($"Producer '{authentication.Producer!.Name}' was revoked at {authentication.Producer.RevokedAt:u}; its key is refused.",
                statusCode: StatusCodes.Status403Forbidden, title: "producer-revoked"));
        }
        if (!authentication.Succeeded && !(authentication == Authentication.Missing && allowAnonymous))
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            var detail = authentication == Authentication.Missing
                ? $"Send a producer's API key as 'Authorization: Bearer <key>' or '{ProducerKey.Header}: <key>' (`corrections producers add` makes one)."
                : "No producer holds this API key.";
            return (authentication, Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "unauthenticated"));
        }
        return (authentication, null);
    }
}
