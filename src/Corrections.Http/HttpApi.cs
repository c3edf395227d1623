using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Http;

/// <summary>
/// The HTTP API v1 in one place, for the worker and the tests alike: reports in, the registry's reads, problem details on
/// every error, and the OpenAPI document at <see cref="OpenApiPath"/> (checked in as <c>docs/openapi-v1.json</c>, so a
/// diff shows every change to the API).
/// </summary>
public static class HttpApi
{
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddCorrectionsHttp(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Corrections";
            document.Info.Description = "Misclassification reports in; the model registry's versions, aliases and reports out. Every call needs a producer's API key (Bearer) or an operator's database login (Basic); decisions need an operator.";
            // One document whatever host or port serves it, so the checked-in copy matches.
            document.Servers = [];
            return Task.CompletedTask;
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapCorrectionsHttp(this IEndpointRouteBuilder routes)
    {
        routes.MapReportEndpoints();
        routes.MapRegistryEndpoints();
        routes.MapOperatorEndpoints();
        routes.MapDashboard();
        routes.MapOpenApi(OpenApiPath);
        return routes;
    }
}
