using System.Text.Json;
using Corrections.Contracts;
using Corrections.Messaging;
using Corrections.Pipeline.Ingest;
using Corrections.Pipeline.Producers;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Corrections.Http;

/// <summary>
/// <c>POST /v1/reports</c>: a <see cref="MisclassificationReported"/> as JSON (byte arrays in base64) with a producer's
/// API key, published to the broker as that producer and answered with 202. Answered here: no or an unknown key (401),
/// a revoked producer's key (403), an id already used by another report (409), a missing envelope (400). Ingest does
/// every other check (quotas, trust, the input) and records a rejection like any other, so the two entry points cannot
/// drift apart.
/// </summary>
public static class ReportEndpoints
{
    public const string Path = "/v1/reports";

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, PostAsync).WithName("PostReport").WithTags("reports")
            .Accepts<MisclassificationReported>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return routes;
    }

    private static async Task<IResult> PostAsync(
        HttpRequest request, ProducerDirectory producers, ReportIntake intake,
        IOptions<ProducerOptions> options, IPublishEndpoint bus, CancellationToken cancellation)
    {
        var (authentication, refusal) = await ProducerChallenge.CheckAsync(request, producers, options.Value.AllowAnonymous, cancellation);
        if (refusal is not null)
        {
            return refusal;
        }
        // Read only once the caller is known: nobody anonymous makes the worker parse a large body.
        MisclassificationReported? report;
        try
        {
            report = await request.ReadFromJsonAsync<MisclassificationReported>(cancellation);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals, e.g. a body over MaxRequestBodySize (413).
            return Results.Problem(e.Message, statusCode: e.StatusCode, title: "bad-request");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Results.Problem($"The body is not a MisclassificationReported as JSON: {e.Message}", statusCode: StatusCodes.Status400BadRequest, title: "malformed");
        }
        if (report is null || report.Input is null || string.IsNullOrEmpty(report.Model))
        {
            return Results.Problem("A report needs at least Model and Input; see the MisclassificationReported contract.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (report.ReportId == Guid.Empty)
        {
            return Results.Problem("ReportId must be set: it is the idempotency key that makes a retried POST harmless.", statusCode: StatusCodes.Status400BadRequest);
        }
        var producer = authentication.Producer?.Name;
        if (await intake.ReusesIdAsync(report, producer, cancellation))
        {
            return Results.Problem($"Report id {report.ReportId} belongs to another report received before (other content or another producer); the original is kept. Give every report its own id.",
                statusCode: StatusCodes.Status409Conflict, title: "id-reused");
        }
        if (producer is null)
        {
            await bus.Publish(report, cancellation);
        }
        else
        {
            await bus.Publish(report, context => BrokerUser.Stamp(context, producer), cancellation);
        }
        return Results.Accepted($"{Path}/{report.ReportId}", new { report.ReportId, Producer = producer, Status = "published" });
    }
}
