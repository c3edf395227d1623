using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Corrections.Http;

/// <summary>Where a producer's API key travels: <c>Authorization: Bearer ck_…</c>, or <c>X-Api-Key: ck_…</c>.</summary>
public static class ProducerKey
{
    public const string Header = "X-Api-Key";

    public static string? From(HttpRequest request)
    {
        if (request.Headers.TryGetValue(Header, out var key) && key.Count == 1)
        {
            return key[0];
        }
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
    }
}
