using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Corrections.Http;

/// <summary>
/// The dashboard at <c>/</c>: a page, a script and a style sheet built into this assembly, over the HTTP API v1 (the
/// page reads and decides only through it). Nothing is fetched from elsewhere: the content security policy allows this
/// origin alone, so a compromised CDN cannot act as an operator.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly IReadOnlyDictionary<string, string> Assets = new Dictionary<string, string>
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (HttpContext http) => Serve(http, "index.html")).ExcludeFromDescription();
        routes.MapGet("/dashboard/{file}", (string file, HttpContext http) => Serve(http, file)).ExcludeFromDescription();
        return routes;
    }

    private static IResult Serve(HttpContext http, string file)
    {
        if (!Assets.TryGetValue(file, out var contentType)
            || typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"Dashboard/{file}") is not { } stream)
        {
            return Results.Problem($"The dashboard has no file '{file}'.", statusCode: StatusCodes.Status404NotFound, title: "not-found");
        }
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        // Served with the worker's build: a new worker serves a new page, so a browser revalidates rather than caches.
        headers.CacheControl = "no-cache";
        return Results.Stream(stream, contentType);
    }
}
